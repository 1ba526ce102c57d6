<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: IAppConfig.php (getValueString,
// setValueString, getValueArray, setValueArray; the $lazy and
// $sensitive arguments since 29), Security/ICrypto.php (encrypt, decrypt).

namespace OCA\SIPCall\Service;

use OCA\SIPCall\AppInfo\Application;
use OCP\IAppConfig;
use OCP\Security\ICrypto;

/**
 * The app's settings in Nextcloud's app config. The controller checks values
 * with SettingsValidator (and that the groups exist) before saving. The secret
 * is kept encrypted with the instance's key and is never handed out but to
 * sign an assertion.
 */
final class Settings {
	private const URL = 'sipcall_url';
	private const SECRET = 'shared_secret';
	private const GROUPS = 'allowed_groups';

	public function __construct(
		private IAppConfig $appConfig,
		private ICrypto $crypto,
	) {
	}

	/** SIPCall's address, '' when not configured. Read on every page, so not lazy. */
	public function url(): string {
		return $this->appConfig->getValueString(Application::APP_ID, self::URL, '');
	}

	/** The shared secret in clear, null when none is saved or it cannot be decrypted (the instance's secret changed). */
	public function secret(): ?string {
		$stored = $this->appConfig->getValueString(Application::APP_ID, self::SECRET, '', true);
		if ($stored === '') {
			return null;
		}
		try {
			return $this->crypto->decrypt($stored);
		} catch (\Exception) {
			return null;
		}
	}

	public function hasSecret(): bool {
		return $this->secret() !== null;
	}

	/** @return list<string> the groups allowed to phone, empty for everyone */
	public function groups(): array {
		$groups = $this->appConfig->getValueArray(Application::APP_ID, self::GROUPS, []);
		return array_values(array_filter($groups, 'is_string'));
	}

	/**
	 * @param ?string $secret null keeps the saved one (the form never shows it)
	 * @param list<string> $groups
	 * @throws \InvalidArgumentException for a value SettingsValidator refuses
	 */
	public function save(string $url, ?string $secret, array $groups): void {
		// Checked again here, whoever calls: nothing unchecked reaches the config (throws before any write).
		$url = SettingsValidator::url($url);
		$secret = $secret === null ? null : SettingsValidator::secret($secret);
		$groups = SettingsValidator::groups($groups);
		$this->appConfig->setValueString(Application::APP_ID, self::URL, $url);
		if ($secret !== null) {
			// Lazy: only the token endpoint reads it. Sensitive: hidden from config listings.
			$this->appConfig->setValueString(Application::APP_ID, self::SECRET, $this->crypto->encrypt($secret), true, true);
		}
		$this->appConfig->setValueArray(Application::APP_ID, self::GROUPS, array_values($groups));
	}
}

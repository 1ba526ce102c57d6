<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: IConfig.php (getUserValue,
// setUserValue; long-stable user preferences).

namespace OCA\SIPCall\Service;

use OCA\SIPCall\AppInfo\Application;
use OCP\IConfig;

/**
 * Whether a Nextcloud tab holds someone's phone: the tab says so when its
 * phone registers (and again with each renewal of the registration), and
 * when it lets go. A tab that vanished without a word counts for as long
 * as its registration would have lasted.
 */
final class PhoneTabs {
	/** A little more than the phone's registration (five minutes), which the tab renews before it ends. */
	public const HELD_FOR = 330;
	private const KEY = 'phone_tab_until';

	/** @param ?\Closure(): int $clock */
	public function __construct(
		private IConfig $config,
		private ?\Closure $clock = null,
	) {
	}

	public function set(string $userId, bool $here): void {
		$until = $here ? $this->now() + self::HELD_FOR : 0;
		$this->config->setUserValue($userId, Application::APP_ID, self::KEY, (string) $until);
	}

	public function open(string $userId): bool {
		return (int) $this->config->getUserValue($userId, Application::APP_ID, self::KEY, '0') > $this->now();
	}

	private function now(): int {
		return $this->clock !== null ? ($this->clock)() : time();
	}
}

<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: IUser.php (getUID),
// IGroupManager.php (getUserGroupIds(IUser): array).

namespace OCA\SIPCall\Service;

use OCP\IGroupManager;
use OCP\IUser;

/**
 * Who may phone: one answer for the page, the script and the token
 * endpoint, so they never disagree.
 */
final class Access {
	public const ALLOWED = 'allowed';
	public const NOT_CONFIGURED = 'not_configured';
	public const FORBIDDEN = 'forbidden';

	public function __construct(
		private Settings $settings,
		private IGroupManager $groupManager,
	) {
	}

	/** Whether $user may phone; only the SIPCall address is needed to show the phone, the token endpoint also needs the secret. */
	public function of(?IUser $user): string {
		if ($user === null) {
			return self::FORBIDDEN;
		}
		if ($this->settings->url() === '') {
			return self::NOT_CONFIGURED;
		}
		if (!SettingsValidator::allows($this->settings->groups(), $this->groupManager->getUserGroupIds($user))) {
			return self::FORBIDDEN;
		}
		return self::ALLOWED;
	}
}

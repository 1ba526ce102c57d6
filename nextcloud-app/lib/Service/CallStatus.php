<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: UserStatus/IManager.php
// (setUserStatus(string $userId, string $messageId, string $status,
// bool $createBackup = false, ?string $customMessage = null), since 23;
// revertUserStatus(string $userId, string $messageId, string $status), since
// 23) and UserStatus/IUserStatus.php (AWAY, MESSAGE_CALL): the same calls
// Talk makes for its own calls, so Nextcloud shows its own "In a call".

namespace OCA\SIPCall\Service;

use OCP\UserStatus\IManager;
use OCP\UserStatus\IUserStatus;

/**
 * While someone is on a SIPCall call, their Nextcloud status says "In a call"
 * (Away, Nextcloud's predefined call message); afterwards it is what it was.
 * Nextcloud keeps the status from before as a backup and restores it on
 * revert, and reverts only if the call status is still the one shown, so a
 * status the user chose during the call is kept.
 */
final class CallStatus {
	public function __construct(
		private IManager $statuses,
	) {
	}

	public function set(string $userId, bool $inCall): void {
		if ($inCall) {
			$this->statuses->setUserStatus($userId, IUserStatus::MESSAGE_CALL, IUserStatus::AWAY, true);
		} else {
			$this->statuses->revertUserStatus($userId, IUserStatus::MESSAGE_CALL, IUserStatus::AWAY);
		}
	}
}

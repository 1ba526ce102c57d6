<?php

declare(strict_types=1);

// Nextcloud's user status interfaces as nextcloud/server lib/public declares
// them (UserStatus/IManager.php, UserStatus/IUserStatus.php; the constants'
// values are Nextcloud's), reduced to what the app calls, so that the app's
// class using them runs here without a Nextcloud. Loaded only when Nextcloud's
// own are not there.

namespace OCP\UserStatus;

interface IUserStatus {
	public const ONLINE = 'online';
	public const AWAY = 'away';
	public const DND = 'dnd';
	public const BUSY = 'busy';
	public const OFFLINE = 'offline';
	public const INVISIBLE = 'invisible';
	public const MESSAGE_CALL = 'call';
}

interface IManager {
	public function getUserStatuses(array $userIds): array;

	public function setUserStatus(string $userId, string $messageId, string $status, bool $createBackup = false, ?string $customMessage = null): void;

	public function revertUserStatus(string $userId, string $messageId, string $status): void;

	public function revertMultipleUserStatus(array $userIds, string $messageId, string $status): void;
}

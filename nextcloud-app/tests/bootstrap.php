<?php

declare(strict_types=1);

// The plain-PHP parts of the app, loaded without Nextcloud: OCA\SIPCall\X is lib/X.php.
spl_autoload_register(static function (string $class): void {
	$prefix = 'OCA\\SIPCall\\';
	if (str_starts_with($class, $prefix)) {
		$file = __DIR__ . '/../lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
		if (is_file($file)) {
			require $file;
		}
	}
});

// Nextcloud's interfaces the tested classes type against, as lib/public declares them, and a Nextcloud in memory.
if (!interface_exists(\OCP\IUser::class)) {
	require __DIR__ . '/Doubles/OCP.php';
}
if (!interface_exists(\OCP\UserStatus\IManager::class)) {
	require __DIR__ . '/Doubles/UserStatus.php';
}
require_once __DIR__ . '/Doubles/Nextcloud.php';

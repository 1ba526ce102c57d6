<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

namespace OCA\SIPCall\Service;

use InvalidArgumentException;

/**
 * What the admin may save, checked without Nextcloud: the SIPCall address,
 * the secret shared with it and the groups allowed to phone. Every refusal
 * is an InvalidArgumentException whose message the settings page shows as
 * it is, so it says what to do.
 */
final class SettingsValidator {
	public const MIN_SECRET_LENGTH = AssertionSigner::MIN_SECRET_LENGTH;
	// Long enough for any generated secret, short enough to stay a secret and not a file.
	public const MAX_SECRET_LENGTH = 512;
	// Nextcloud's group ids are at most 64 characters; a little room for other backends.
	public const MAX_GROUP_ID_LENGTH = 255;

	/**
	 * SIPCall's address as SIPCall compares it (its PUBLIC_URL): https, or
	 * http only on this machine (nothing else would carry the assertion in
	 * clear), no credentials, query or fragment, scheme and host in lower
	 * case, no trailing slash. An empty value stays empty: not configured.
	 */
	public static function url(string $value): string {
		$value = trim($value);
		if ($value === '') {
			return '';
		}
		$refusal = 'The SIPCall address must look like https://phone.example.org (http only for localhost), without a user, password, query or fragment';
		// parse_url forgives too much; these never belong in the address.
		if (preg_match('/[\x00-\x20\x7f\\\\]/', $value) === 1 || str_contains($value, '?') || str_contains($value, '#')) {
			throw new InvalidArgumentException($refusal);
		}
		$parts = parse_url($value);
		if ($parts === false || !isset($parts['scheme'], $parts['host']) || $parts['host'] === ''
			|| isset($parts['user']) || isset($parts['pass']) || isset($parts['query']) || isset($parts['fragment'])) {
			throw new InvalidArgumentException($refusal);
		}
		$scheme = strtolower($parts['scheme']);
		$host = strtolower($parts['host']);
		if ($scheme !== 'https' && !($scheme === 'http' && self::isLoopback($host))) {
			throw new InvalidArgumentException($refusal);
		}
		if (!preg_match('/^[a-z0-9.-]+$/', $host) && !preg_match('/^\[[0-9a-f:.]+\]$/', $host)) {
			throw new InvalidArgumentException($refusal);
		}
		$port = isset($parts['port']) ? ':' . $parts['port'] : '';
		$path = rtrim($parts['path'] ?? '', '/');
		return $scheme . '://' . $host . $port . $path;
	}

	/** Scheme, host and port of a saved address: what the browser policies name. */
	public static function origin(string $url): string {
		$parts = parse_url($url);
		if ($parts === false || !isset($parts['scheme'], $parts['host'])) {
			throw new InvalidArgumentException('Not a web address: ' . $url);
		}
		return $parts['scheme'] . '://' . $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
	}

	/** The WebSocket origin of the same host (wss for https, ws for http), which connect-src names apart. */
	public static function websocketOrigin(string $url): string {
		[$scheme, $rest] = explode('://', self::origin($url), 2);
		return ($scheme === 'https' ? 'wss' : 'ws') . '://' . $rest;
	}

	/**
	 * The secret SIPCall holds as NEXTCLOUD_APP_SECRET: as long as SIPCall
	 * demands, and without the spaces or line ends a paste brings along (they
	 * would make both sides sign with different keys).
	 */
	public static function secret(string $value): string {
		if ($value !== trim($value) || preg_match('/[\x00-\x1f\x7f]/', $value) === 1) {
			throw new InvalidArgumentException('The shared secret must not start or end with spaces nor contain line breaks');
		}
		$length = strlen($value);
		if ($length < self::MIN_SECRET_LENGTH) {
			throw new InvalidArgumentException('The shared secret must be at least ' . self::MIN_SECRET_LENGTH . ' characters, the same as NEXTCLOUD_APP_SECRET in SIPCall');
		}
		if ($length > self::MAX_SECRET_LENGTH) {
			throw new InvalidArgumentException('The shared secret must be at most ' . self::MAX_SECRET_LENGTH . ' characters');
		}
		return $value;
	}

	/**
	 * The groups allowed to phone: a list of group ids, each once, empty for
	 * everyone. $exists (the group manager's answer) refuses ids no group has,
	 * so a typo does not silently lock everybody out.
	 *
	 * @param mixed $value what the browser sent
	 * @param ?\Closure(string): bool $exists
	 * @return list<string>
	 */
	public static function groups(mixed $value, ?\Closure $exists = null): array {
		if (!is_array($value) || !array_is_list($value)) {
			throw new InvalidArgumentException('The groups must be a list of group ids');
		}
		$groups = [];
		foreach ($value as $group) {
			if (!is_string($group) || trim($group) === '' || strlen($group) > self::MAX_GROUP_ID_LENGTH || preg_match('/[\x00-\x1f\x7f]/', $group) === 1) {
				throw new InvalidArgumentException('Each group must be a group id');
			}
			if ($exists !== null && !$exists($group)) {
				throw new InvalidArgumentException('There is no group "' . $group . '"');
			}
			$groups[$group] = true;
		}
		return array_map('strval', array_keys($groups));
	}

	/**
	 * Whether someone in $userGroups may phone when $allowedGroups are allowed.
	 *
	 * @param list<string> $allowedGroups empty for everyone
	 * @param list<string> $userGroups
	 */
	public static function allows(array $allowedGroups, array $userGroups): bool {
		return $allowedGroups === [] || array_intersect($allowedGroups, $userGroups) !== [];
	}

	private static function isLoopback(string $host): bool {
		return $host === 'localhost' || str_ends_with($host, '.localhost') || $host === '[::1]'
			|| preg_match('/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/', $host) === 1;
	}
}

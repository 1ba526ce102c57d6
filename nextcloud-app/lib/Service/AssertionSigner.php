<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

namespace OCA\SIPCall\Service;

use InvalidArgumentException;

/**
 * The assertion the token endpoint hands the signed-in user's browser, which
 * SIPCall exchanges at POST /api/auth/nextcloud/assertion for its own
 * session: a JWT signed with HS256 and the secret both sides share, naming
 * this instance (iss), the SIPCall it is for (aud), the user (sub, name,
 * email, groups), when it was made and when it ends (iat, exp: two minutes
 * at most) and a jti SIPCall accepts once.
 *
 * Plain PHP, no Nextcloud interface: the controller gives it the instance's
 * URL, the settings' SIPCall URL and secret, and the user.
 */
final class AssertionSigner {
	public const MAX_LIFETIME = 120;
	public const MIN_SECRET_LENGTH = 32;

	private string $issuer;
	private string $audience;
	/** @var \Closure(): int */
	private \Closure $clock;

	/**
	 * @param string $issuer this instance's address (https://cloud.example.org)
	 * @param string $audience SIPCall's address (https://phone.example.org)
	 * @param ?\Closure(): int $clock the time in seconds (tests set it)
	 */
	public function __construct(string $issuer, string $audience, private string $secret, ?\Closure $clock = null) {
		$this->issuer = self::address($issuer, 'issuer');
		$this->audience = self::address($audience, 'audience');
		if (strlen($secret) < self::MIN_SECRET_LENGTH) {
			throw new InvalidArgumentException('The shared secret must be at least ' . self::MIN_SECRET_LENGTH . ' characters');
		}
		$this->clock = $clock ?? static fn (): int => time();
	}

	/**
	 * @param list<string> $groups the user's group ids
	 */
	public function sign(string $userId, string $displayName, ?string $email, array $groups, int $lifetime = 60): string {
		if ($userId === '') {
			throw new InvalidArgumentException('An assertion names a user');
		}
		if ($lifetime < 1 || $lifetime > self::MAX_LIFETIME) {
			throw new InvalidArgumentException('An assertion lives between 1 and ' . self::MAX_LIFETIME . ' seconds');
		}
		$now = ($this->clock)();
		$claims = [
			'iss' => $this->issuer,
			'aud' => $this->audience,
			'sub' => $userId,
			'name' => $displayName,
			'groups' => array_values(array_map('strval', $groups)),
			'iat' => $now,
			'exp' => $now + $lifetime,
			'jti' => self::base64url(random_bytes(24)),
		];
		if ($email !== null && $email !== '') {
			$claims['email'] = $email;
		}
		$header = self::base64url(self::json(['alg' => 'HS256', 'typ' => 'JWT']));
		$payload = self::base64url(self::json($claims));
		$signature = self::base64url(hash_hmac('sha256', $header . '.' . $payload, $this->secret, true));
		return $header . '.' . $payload . '.' . $signature;
	}

	/** An http(s) address without its trailing slash, as SIPCall compares it. */
	private static function address(string $value, string $what): string {
		$value = rtrim(trim($value), '/');
		$parts = parse_url($value);
		if ($parts === false || !isset($parts['scheme'], $parts['host']) || !in_array($parts['scheme'], ['https', 'http'], true)
			|| isset($parts['user']) || isset($parts['pass']) || isset($parts['query']) || isset($parts['fragment'])) {
			throw new InvalidArgumentException("The $what must be a web address like https://cloud.example.org");
		}
		return $value;
	}

	/** @param array<string, mixed> $value */
	private static function json(array $value): string {
		return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
	}

	private static function base64url(string $bytes): string {
		return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
	}
}

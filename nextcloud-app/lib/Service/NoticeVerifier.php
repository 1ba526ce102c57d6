<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

namespace OCA\SIPCall\Service;

use InvalidArgumentException;

/**
 * What SIPCall tells this app (a missed call of one of its users): a JWT
 * signed with HS256 and the secret both sides share, from SIPCall (iss: the
 * settings' SIPCall URL) to this instance (aud), naming the user (sub), the
 * caller, when the call came (at), living five minutes at most, its jti the
 * call's id. Checked here without Nextcloud; anything else is refused.
 */
final class NoticeVerifier {
	public const MAX_LIFETIME = 300;
	private const SKEW = 5;

	/** @var \Closure(): int */
	private \Closure $clock;

	/** @param ?\Closure(): int $clock the time in seconds (tests set it) */
	public function __construct(
		private string $issuer,
		private string $audience,
		private string $secret,
		?\Closure $clock = null,
	) {
		$this->issuer = rtrim($issuer, '/');
		$this->audience = rtrim($audience, '/');
		$this->clock = $clock ?? static fn (): int => time();
	}

	/**
	 * @return array{user: string, caller: string, at: int, id: string}
	 * @throws InvalidArgumentException saying what is wrong with it
	 */
	public function verify(string $notice): array {
		$parts = explode('.', $notice);
		if (count($parts) !== 3 || strlen($notice) > 4096) {
			throw new InvalidArgumentException('not a JWT');
		}
		[$header, $payload, $signature] = $parts;
		$head = self::decode($header);
		if (($head['alg'] ?? null) !== 'HS256') {
			throw new InvalidArgumentException('not signed with HS256');
		}
		$expected = rtrim(strtr(base64_encode(hash_hmac('sha256', $header . '.' . $payload, $this->secret, true)), '+/', '-_'), '=');
		if (!hash_equals($expected, $signature)) {
			throw new InvalidArgumentException('wrong signature');
		}
		$claims = self::decode($payload);
		if (($claims['iss'] ?? null) !== $this->issuer) {
			throw new InvalidArgumentException('from another SIPCall');
		}
		$aud = $claims['aud'] ?? null;
		if ($aud !== $this->audience && !(is_array($aud) && in_array($this->audience, $aud, true))) {
			throw new InvalidArgumentException('for another Nextcloud');
		}
		$now = ($this->clock)();
		$iat = $claims['iat'] ?? null;
		$exp = $claims['exp'] ?? null;
		if (!is_int($iat) || !is_int($exp) || $exp - $iat > self::MAX_LIFETIME || $iat > $now + self::SKEW || $exp < $now - self::SKEW) {
			throw new InvalidArgumentException('expired, or living too long');
		}
		foreach (['sub', 'jti', 'caller'] as $claim) {
			if (!is_string($claims[$claim] ?? null) || strlen($claims[$claim]) > 256) {
				throw new InvalidArgumentException("no $claim");
			}
		}
		if ($claims['sub'] === '' || $claims['jti'] === '' || !is_int($claims['at'] ?? null)) {
			throw new InvalidArgumentException('no user, call or time');
		}
		return ['user' => $claims['sub'], 'caller' => $claims['caller'], 'at' => $claims['at'], 'id' => $claims['jti']];
	}

	/** @return array<string, mixed> */
	private static function decode(string $part): array {
		$json = base64_decode(strtr($part, '-_', '+/'), true);
		$value = $json === false ? null : json_decode($json, true);
		if (!is_array($value)) {
			throw new InvalidArgumentException('not a JWT');
		}
		return $value;
	}
}

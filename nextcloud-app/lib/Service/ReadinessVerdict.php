<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

namespace OCA\SIPCall\Service;

/**
 * What "Test connection" tells the admin, in words, from what GET
 * <SIPCall>/readyz gave: an answer (status and body) or the exception the
 * HTTP client threw. SIPCall's /readyz answers JSON with a status of
 * "ready" (200), "not_ready" or "draining" (503) and its checks.
 *
 * Plain PHP: the controller does the request, this only judges it.
 */
final class ReadinessVerdict {
	public const OK = 'ok';
	public const UNREACHABLE = 'unreachable';
	public const TLS = 'tls';
	public const NOT_SIPCALL = 'not_sipcall';
	public const NOT_READY = 'not_ready';

	/** @return array{ok: bool, status: string, message: string} */
	public static function fromResponse(int $code, string $body): array {
		$json = json_decode($body, true);
		$state = is_array($json) && isset($json['status']) && is_string($json['status']) ? $json['status'] : null;
		if (!in_array($state, ['ready', 'not_ready', 'draining'], true) || !in_array($code, [200, 503], true)) {
			return self::verdict(self::NOT_SIPCALL, "Something answered (HTTP $code), but not SIPCall: check the address");
		}
		if ($code === 200 && $state === 'ready') {
			return self::verdict(self::OK, 'SIPCall answers and is ready');
		}
		if ($state === 'draining') {
			return self::verdict(self::NOT_READY, 'SIPCall answers but is shutting down; try again in a moment');
		}
		$down = [];
		if (isset($json['checks']) && is_array($json['checks'])) {
			foreach ($json['checks'] as $name => $check) {
				if (is_array($check) && ($check['status'] ?? null) === 'down') {
					$down[] = (string)$name;
				}
			}
		}
		return self::verdict(self::NOT_READY, 'SIPCall answers but is not ready' . ($down === [] ? '' : ' (' . implode(', ', $down) . ' down)'));
	}

	/**
	 * The client throws before any answer; cURL's message (which Nextcloud's
	 * Guzzle-based client passes on) says whether TLS or the network failed.
	 */
	public static function fromFailure(\Throwable $error): array {
		$message = $error->getMessage();
		// cURL 35, 51, 58, 59, 60, 66, 77, 80, 82, 83, 90, 91 are TLS and certificate failures.
		if (preg_match('/cURL error (35|51|58|59|60|66|77|80|82|83|90|91)\b/', $message) === 1
			|| preg_match('/\b(SSL|TLS|certificate)\b/i', $message) === 1) {
			return self::verdict(self::TLS, 'SIPCall could not be reached securely: its TLS certificate is not trusted by this server or the TLS handshake failed');
		}
		return self::verdict(self::UNREACHABLE, 'SIPCall could not be reached from this server: check the address, DNS and firewall');
	}

	/** @return array{ok: bool, status: string, message: string} */
	private static function verdict(string $status, string $message): array {
		return ['ok' => $status === self::OK, 'status' => $status, 'message' => $message];
	}
}

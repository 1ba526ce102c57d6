<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use OCA\SIPCall\Service\ReadinessVerdict;
use PHPUnit\Framework\TestCase;
use RuntimeException;

final class ReadinessVerdictTest extends TestCase {
	public function testReadyIsOk(): void {
		$verdict = ReadinessVerdict::fromResponse(200, '{"status":"ready","checks":{"database":{"status":"ok"}}}');
		self::assertSame(['ok' => true, 'status' => 'ok', 'message' => 'SIPCall answers and is ready'], $verdict);
	}

	public function testNotReadyNamesWhatIsDown(): void {
		$verdict = ReadinessVerdict::fromResponse(503, '{"status":"not_ready","checks":{"database":{"status":"ok"},"switches":{"status":"down","error":"no answer"}}}');
		self::assertFalse($verdict['ok']);
		self::assertSame('not_ready', $verdict['status']);
		self::assertSame('SIPCall answers but is not ready (switches down)', $verdict['message']);
	}

	public function testDrainingIsNotReady(): void {
		$verdict = ReadinessVerdict::fromResponse(503, '{"status":"draining","checks":{}}');
		self::assertSame('not_ready', $verdict['status']);
		self::assertStringContainsString('shutting down', $verdict['message']);
	}

	/** @return array<string, array{int, string}> */
	public static function notSipcall(): array {
		return [
			'a web page' => [200, '<!doctype html><title>Welcome</title>'],
			'other JSON' => [200, '{"ok":true}'],
			'a status SIPCall never gives' => [200, '{"status":"ok"}'],
			'not found' => [404, '{"status":"not_ready"}'],
			'a redirect' => [302, ''],
			'a proxy error' => [502, 'Bad Gateway'],
		];
	}

	/** @dataProvider notSipcall */
	public function testAnythingElseIsNotSipcall(int $code, string $body): void {
		$verdict = ReadinessVerdict::fromResponse($code, $body);
		self::assertFalse($verdict['ok']);
		self::assertSame('not_sipcall', $verdict['status']);
		self::assertStringContainsString("HTTP $code", $verdict['message']);
	}

	public function testCertificateFailuresAreTls(): void {
		$verdict = ReadinessVerdict::fromFailure(new RuntimeException('cURL error 60: SSL certificate problem: self-signed certificate (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)'));
		self::assertSame(['ok' => false, 'status' => 'tls'], array_slice($verdict, 0, 2, true));
		self::assertSame('tls', ReadinessVerdict::fromFailure(new RuntimeException('cURL error 35: OpenSSL SSL_connect: Connection reset by peer'))['status']);
	}

	public function testNetworkFailuresAreUnreachable(): void {
		self::assertSame('unreachable', ReadinessVerdict::fromFailure(new RuntimeException('cURL error 7: Failed to connect to phone.example.org port 443: Connection refused'))['status']);
		self::assertSame('unreachable', ReadinessVerdict::fromFailure(new RuntimeException('cURL error 6: Could not resolve host: phone.example.org'))['status']);
		self::assertSame('unreachable', ReadinessVerdict::fromFailure(new RuntimeException('cURL error 28: Operation timed out after 5001 milliseconds'))['status']);
	}
}

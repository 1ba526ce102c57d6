<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use InvalidArgumentException;
use OCA\SIPCall\Service\AssertionSigner;
use PHPUnit\Framework\TestCase;

final class AssertionSignerTest extends TestCase {
	private const SECRET = 'a-shared-secret-of-at-least-32-characters';

	private function signer(int $now = 1_800_000_000): AssertionSigner {
		return new AssertionSigner('https://cloud.example.org/', 'https://phone.example.org', self::SECRET, static fn (): int => $now);
	}

	/** @return array{0: array<string, mixed>, 1: array<string, mixed>, 2: string, 3: string} */
	private static function open(string $jwt): array {
		$parts = explode('.', $jwt);
		self::assertCount(3, $parts);
		$decode = static fn (string $p): array => json_decode(base64_decode(strtr($p, '-_', '+/')), true, 512, JSON_THROW_ON_ERROR);
		return [$decode($parts[0]), $decode($parts[1]), $parts[2], $parts[0] . '.' . $parts[1]];
	}

	public function testSignsTheClaimsSipcallChecks(): void {
		[$header, $claims] = self::open($this->signer()->sign('alice', 'Alice Liddell', 'alice@example.org', ['staff', 'admin'], 90));
		self::assertSame(['alg' => 'HS256', 'typ' => 'JWT'], $header);
		self::assertSame('https://cloud.example.org', $claims['iss']);
		self::assertSame('https://phone.example.org', $claims['aud']);
		self::assertSame('alice', $claims['sub']);
		self::assertSame('Alice Liddell', $claims['name']);
		self::assertSame('alice@example.org', $claims['email']);
		self::assertSame(['staff', 'admin'], $claims['groups']);
		self::assertSame(1_800_000_000, $claims['iat']);
		self::assertSame(1_800_000_090, $claims['exp']);
		self::assertMatchesRegularExpression('/^[A-Za-z0-9_-]{32}$/', $claims['jti']);
	}

	public function testTheSignatureIsHmacSha256OfHeaderAndPayload(): void {
		[, , $signature, $signed] = self::open($this->signer()->sign('alice', 'Alice', null, []));
		self::assertSame(rtrim(strtr(base64_encode(hash_hmac('sha256', $signed, self::SECRET, true)), '+/', '-_'), '='), $signature);
	}

	public function testEveryAssertionHasItsOwnJti(): void {
		$signer = $this->signer();
		$jtis = array_map(static fn (): string => self::open($signer->sign('alice', 'Alice', null, []))[1]['jti'], range(1, 20));
		self::assertCount(20, array_unique($jtis));
	}

	public function testNoEmailIsLeftOut(): void {
		[, $claims] = self::open($this->signer()->sign('bob', 'Bob', '', []));
		self::assertArrayNotHasKey('email', $claims);
	}

	/** @dataProvider lifetimes */
	public function testRefusesALifetimeOverTwoMinutesOrNone(int $lifetime): void {
		$this->expectException(InvalidArgumentException::class);
		$this->signer()->sign('alice', 'Alice', null, [], $lifetime);
	}

	/** @return array<string, array{int}> */
	public static function lifetimes(): array {
		return ['none' => [0], 'negative' => [-5], 'over two minutes' => [121]];
	}

	public function testRefusesAShortSecret(): void {
		$this->expectException(InvalidArgumentException::class);
		new AssertionSigner('https://cloud.example.org', 'https://phone.example.org', 'short');
	}

	/** @dataProvider addresses */
	public function testRefusesAnAddressThatIsNotOne(string $issuer): void {
		$this->expectException(InvalidArgumentException::class);
		new AssertionSigner($issuer, 'https://phone.example.org', self::SECRET);
	}

	/** @return array<string, array{string}> */
	public static function addresses(): array {
		return ['no scheme' => ['cloud.example.org'], 'ftp' => ['ftp://cloud.example.org'], 'credentials' => ['https://me:pw@cloud.example.org'], 'query' => ['https://cloud.example.org/?x=1']];
	}

	public function testRefusesAnAssertionForNobody(): void {
		$this->expectException(InvalidArgumentException::class);
		$this->signer()->sign('', 'Nobody', null, []);
	}
}

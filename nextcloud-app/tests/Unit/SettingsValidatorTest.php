<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use InvalidArgumentException;
use OCA\SIPCall\Service\SettingsValidator;
use PHPUnit\Framework\TestCase;

final class SettingsValidatorTest extends TestCase {
	/** @return array<string, array{string, string}> */
	public static function goodUrls(): array {
		return [
			'https' => ['https://phone.example.org', 'https://phone.example.org'],
			'trailing slashes go' => ['https://phone.example.org//', 'https://phone.example.org'],
			'spaces around go' => ["  https://phone.example.org/ \n", 'https://phone.example.org'],
			'a port' => ['https://phone.example.org:8443/', 'https://phone.example.org:8443'],
			'a path' => ['https://example.org/sipcall/', 'https://example.org/sipcall'],
			'scheme and host in lower case' => ['HTTPS://Phone.Example.ORG/App', 'https://phone.example.org/App'],
			'http on localhost' => ['http://localhost:3000', 'http://localhost:3000'],
			'http on a .localhost name' => ['http://sipcall.localhost', 'http://sipcall.localhost'],
			'http on 127.0.0.1' => ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
			'http on ::1' => ['http://[::1]:3000', 'http://[::1]:3000'],
			'empty: not configured' => ['   ', ''],
		];
	}

	/** @dataProvider goodUrls */
	public function testAcceptsAndNormalisesUrls(string $given, string $saved): void {
		self::assertSame($saved, SettingsValidator::url($given));
	}

	/** @return array<string, array{string}> */
	public static function badUrls(): array {
		return [
			'http elsewhere' => ['http://phone.example.org'],
			'http on a private address' => ['http://192.168.1.10'],
			'http on a name that starts like localhost' => ['http://localhost.example.org'],
			'another scheme' => ['ftp://phone.example.org'],
			'websocket' => ['wss://phone.example.org'],
			'no scheme' => ['phone.example.org'],
			'no host' => ['https://'],
			'credentials' => ['https://admin:secret@phone.example.org'],
			'a user' => ['https://admin@phone.example.org'],
			'a query' => ['https://phone.example.org/?x=1'],
			'an empty query' => ['https://phone.example.org/?'],
			'a fragment' => ['https://phone.example.org/#top'],
			'a space inside' => ['https://phone example.org'],
			'a backslash' => ['https://phone.example.org\\@evil.example'],
			'javascript' => ['javascript:alert(1)'],
			'a line break inside' => ["https://phone.example.org\r\nX: y"],
		];
	}

	/** @dataProvider badUrls */
	public function testRefusesUrls(string $given): void {
		$this->expectException(InvalidArgumentException::class);
		$this->expectExceptionMessage('https://phone.example.org');
		SettingsValidator::url($given);
	}

	public function testOriginsForTheBrowserPolicies(): void {
		self::assertSame('https://example.org:8443', SettingsValidator::origin('https://example.org:8443/sipcall'));
		self::assertSame('wss://example.org:8443', SettingsValidator::websocketOrigin('https://example.org:8443/sipcall'));
		self::assertSame('ws://localhost:3000', SettingsValidator::websocketOrigin('http://localhost:3000'));
		self::assertSame('wss://phone.example.org', SettingsValidator::websocketOrigin('https://phone.example.org'));
	}

	public function testAcceptsASecretOfAtLeast32Characters(): void {
		$secret = str_repeat('k', 32);
		self::assertSame($secret, SettingsValidator::secret($secret));
		self::assertSame('Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0Df7Kx2Q', SettingsValidator::secret('Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0Df7Kx2Q'));
	}

	/** @return array<string, array{string, string}> */
	public static function badSecrets(): array {
		return [
			'empty' => ['', 'at least 32'],
			'31 characters' => [str_repeat('k', 31), 'at least 32'],
			'too long' => [str_repeat('k', 513), 'at most 512'],
			'a trailing line break' => [str_repeat('k', 40) . "\n", 'spaces'],
			'a leading space' => [' ' . str_repeat('k', 40), 'spaces'],
			'a line break inside' => [str_repeat('k', 20) . "\n" . str_repeat('k', 20), 'line breaks'],
		];
	}

	/** @dataProvider badSecrets */
	public function testRefusesSecrets(string $secret, string $message): void {
		$this->expectException(InvalidArgumentException::class);
		$this->expectExceptionMessage($message);
		SettingsValidator::secret($secret);
	}

	public function testGroupsAreAListOfIdsEachOnce(): void {
		self::assertSame([], SettingsValidator::groups([]));
		self::assertSame(['staff', 'sales', '123'], SettingsValidator::groups(['staff', 'sales', 'staff', '123']));
		self::assertSame(['staff'], SettingsValidator::groups(['staff'], static fn (string $gid): bool => $gid === 'staff'));
	}

	/** @return array<string, array{mixed, string}> */
	public static function badGroups(): array {
		return [
			'not a list' => ['staff', 'a list of group ids'],
			'a map' => [['a' => 'staff'], 'a list of group ids'],
			'a number' => [[12], 'Each group must be a group id'],
			'empty' => [[''], 'Each group must be a group id'],
			'blank' => [['  '], 'Each group must be a group id'],
			'nested' => [[['staff']], 'Each group must be a group id'],
			'too long' => [[str_repeat('g', 256)], 'Each group must be a group id'],
			'a line break' => [["staff\n"], 'Each group must be a group id'],
		];
	}

	/** @dataProvider badGroups */
	public function testRefusesGroups(mixed $groups, string $message): void {
		$this->expectException(InvalidArgumentException::class);
		$this->expectExceptionMessage($message);
		SettingsValidator::groups($groups);
	}

	public function testRefusesAGroupNobodyHas(): void {
		$this->expectException(InvalidArgumentException::class);
		$this->expectExceptionMessage('There is no group "staf"');
		SettingsValidator::groups(['staff', 'staf'], static fn (string $gid): bool => $gid === 'staff');
	}

	public function testNoGroupsAllowEveryoneElseOneSharedGroupIsNeeded(): void {
		self::assertTrue(SettingsValidator::allows([], []));
		self::assertTrue(SettingsValidator::allows([], ['staff']));
		self::assertTrue(SettingsValidator::allows(['sales', 'staff'], ['admin', 'staff']));
		self::assertFalse(SettingsValidator::allows(['sales'], ['staff']));
		self::assertFalse(SettingsValidator::allows(['sales'], []));
	}
}

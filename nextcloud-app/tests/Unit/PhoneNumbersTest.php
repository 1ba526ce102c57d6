<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use OCA\SIPCall\Service\PhoneNumbers;
use PHPUnit\Framework\TestCase;

final class PhoneNumbersTest extends TestCase {
	public function testNoTelNoNumbers(): void {
		self::assertSame([], PhoneNumbers::fromProperty(null));
		self::assertSame([], PhoneNumbers::fromProperty([]));
	}

	public function testAListOfStringsAsTheAddressBooksGiveIt(): void {
		self::assertSame(['+49 30 1234567', '0171 2345678'], PhoneNumbers::fromProperty(['+49 30 1234567', ' 0171 2345678 ']));
	}

	public function testASingleString(): void {
		self::assertSame(['+1 555 0100'], PhoneNumbers::fromProperty('+1 555 0100'));
	}

	public function testValuesWithTypes(): void {
		self::assertSame(['+49 30 1234567', '110'], PhoneNumbers::fromProperty([
			['type' => 'WORK,VOICE', 'value' => '+49 30 1234567'],
			['type' => null, 'value' => '110'],
		]));
		self::assertSame(['+1 555 0100'], PhoneNumbers::fromProperty(['type' => 'CELL', 'value' => '+1 555 0100']));
	}

	public function testTelUrisLoseTheirSchemeAndParameters(): void {
		self::assertSame(['+1-555-0100'], PhoneNumbers::fromProperty(['tel:+1-555-0100;ext=5']));
		self::assertSame(['+49 30 1'], PhoneNumbers::fromProperty(['TEL:+49%2030%201']));
	}

	public function testEmptyNumbersAndOddValuesAreSkippedAndEachNumberComesOnce(): void {
		self::assertSame(['123'], PhoneNumbers::fromProperty(['', '  ', 'tel:', '123', 123, false, ['value' => ''], ['nope'], '123']));
	}
}

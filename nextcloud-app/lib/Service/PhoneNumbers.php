<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

namespace OCA\SIPCall\Service;

/**
 * The phone numbers of a contacts-menu entry, from IEntry::getProperty('TEL').
 * Nextcloud's address books give TEL as a list of strings, or of
 * ['type' => …, 'value' => …] when searched with types, and other contact
 * providers may give a single string; all of these are read, anything else is
 * ignored. Empty numbers are skipped, each number comes once, in order, as
 * written.
 *
 * Plain PHP, so the contacts provider's only logic is tested here.
 */
final class PhoneNumbers {
	/** @return list<string> */
	public static function fromProperty(mixed $tel): array {
		if ($tel === null) {
			return [];
		}
		$values = is_array($tel) && array_is_list($tel) ? $tel : [$tel];
		$numbers = [];
		foreach ($values as $value) {
			if (is_array($value)) {
				$value = $value['value'] ?? null;
			}
			if (!is_string($value)) {
				continue;
			}
			$number = self::clean($value);
			if ($number !== '') {
				$numbers[$number] = true;
			}
		}
		return array_map('strval', array_keys($numbers));
	}

	/**
	 * A vCard 4 TEL may be a tel: URI; its parameters (;ext=…) are URI syntax,
	 * not the number. Everything else is left as people typed it: reading
	 * numbers is SIPCall's job (?dial= goes to its dialpad).
	 */
	private static function clean(string $value): string {
		$value = trim($value);
		if (stripos($value, 'tel:') === 0) {
			$value = trim(rawurldecode(explode(';', substr($value, 4), 2)[0]));
		}
		return $value;
	}
}

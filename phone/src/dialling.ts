// What the dialpad makes of a typed number before the backend has a say:
// letters into keypad digits, only what can be dialled kept, the number grouped
// as people write it, and a country's flag. The backend decides what a number
// is (backend/src/core/phone-numbers.ts); this is how it looks.
import { AsYouType, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/** The letters on each key of a phone keypad (ITU E.161). */
const KEYPAD_LETTERS: Record<string, string> = { '2': 'ABC', '3': 'DEF', '4': 'GHI', '5': 'JKL', '6': 'MNO', '7': 'PQRS', '8': 'TUV', '9': 'WXYZ' };
const LETTER_DIGIT = new Map<string, string>(Object.entries(KEYPAD_LETTERS).flatMap(([digit, letters]) => [...letters].map((l) => [l, digit] as [string, string])));

export const keypadLetters = (digit: string): string => KEYPAD_LETTERS[digit] ?? '';

/** 0800 FLOWERS → 0800 3569377: each Latin letter becomes the key it is printed on. */
export const lettersToDigits = (value: string): string => value.replace(/[a-z]/gi, (l) => LETTER_DIGIT.get(l.toUpperCase()) ?? l);

/** What the field may hold: digits, * and #, a leading +, and visual separators. */
const NOT_DIALLABLE = /[^0-9+*# ().\-/]/g;
export const MAX_DIALLED_LENGTH = 40;

/** Typed or pasted text as it can be dialled: "tel:" dropped, letters made digits, the rest that cannot be dialled removed. */
export function cleanDialled(value: string): string {
  const kept = lettersToDigits(value.replace(/^\s*tel:/i, '')).replace(NOT_DIALLABLE, '').slice(0, MAX_DIALLED_LENGTH);
  return kept.replace(/(?!^)\+/g, '');
}

/**
 * The number grouped as people write it: the backend's E.164 in international
 * format once it is known (+49 30 1234567), else what is typed, grouped as it
 * grows for the user's country. Extensions, codes with * or # and anything
 * libphonenumber has no pattern for stay as typed.
 */
export function groupNumber(typed: string, e164: string | null, defaultCountry: string | null): string {
  if (e164?.startsWith('+')) {
    const parsed = parsePhoneNumberFromString(e164);
    if (parsed) return parsed.formatInternational();
  }
  if (/[*#]/.test(typed)) return typed;
  const digits = typed.replace(/[^0-9+]/g, '');
  if (digits.replace('+', '').length < 3) return typed;
  const country = /^[A-Z]{2}$/.test(defaultCountry ?? '') ? (defaultCountry as CountryCode) : undefined;
  if (!digits.startsWith('+') && !country) return typed;
  return new AsYouType(country).input(digits);
}

/** 🇩🇪 from DE: two regional indicator symbols. */
export function flagOf(country: string | null): string {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return '';
  return String.fromCodePoint(...[...country.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}


/** The other party of a call as a number or extension someone could dial; anything else (a user's id, a SIP URI) is not for people. */
export const diallableRemote = (remote: string): string | null => (/^\+?[0-9*#]{1,20}$/.test(remote) ? remote : null);

/** The other end's number as history keeps it, when it can be dialled (not erased, not masked). */
export const isDiallable = (n: string | null): n is string => n !== null && /^\+?[0-9]+$/.test(n);

/** An E.164 number as people write it (+49 30 1234567); anything else as it is. */
export function formatE164(number: string): string {
  if (!/^\+[0-9]{4,15}$/.test(number)) return number;
  return parsePhoneNumberFromString(number)?.formatInternational() ?? number;
}


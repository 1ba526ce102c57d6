// Whether some text is a phone number, or holds some (a search typed into
// Talk, a chat message), by the rules the backend applies to a dialled number
// (backend/src/core/phone-numbers.ts classify), which a backend test holds
// these to. They need libphonenumber's full metadata, as the backend does (the
// dialpad's grouping makes do with the small one), so they are their own
// entry, @sipcall/phone/numbers, and the web app's bundle does not carry them.
import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** A phone number found in text: as written there, and in E.164. */
export interface FoundNumber {
  text: string;
  e164: string;
}

/** What separates a number's groups when people write it; dropped before judging, as the backend does. */
const SEPARATORS = /[\s().\-/]/g;
/** E.164's 15 digits with a little slack for national prefixes: the backend's limit. */
const MAX_DIGITS = 17;

const countryCode = (country: string | null): CountryCode | undefined => (country && /^[A-Z]{2}$/.test(country) ? (country as CountryCode) : undefined);

/**
 * The phone number that `text` is, when it is one and nothing else: digits with
 * separators, an optional + or 00 before the country code, valid for its
 * country (national numbers read in `defaultCountry`). "+49 30 1234567" is one;
 * "Alice", "1002" (an extension, not a phone number) and "+49 30 12" are not.
 */
export function phoneNumberIn(text: string, defaultCountry: string | null): FoundNumber | null {
  const typed = text.trim().replace(/^tel:/i, '');
  const cleaned = typed.replace(SEPARATORS, '');
  if (!/^\+?[0-9]+$/.test(cleaned) || cleaned.replace('+', '').length > MAX_DIGITS) return null;
  const international = cleaned.startsWith('00') ? `+${cleaned.slice(2)}` : cleaned;
  const parsed = parsePhoneNumberFromString(international, international.startsWith('+') ? undefined : countryCode(defaultCountry));
  return parsed?.isValid() ? { text: typed, e164: parsed.number } : null;
}

/** Every valid phone number written in a longer text (a chat message), in order, each once. */
export function phoneNumbersInText(text: string, defaultCountry: string | null): FoundNumber[] {
  const found: FoundNumber[] = [];
  for (const match of findPhoneNumbersInText(text.slice(0, 10_000), countryCode(defaultCountry))) {
    if (!match.number.isValid() || found.some((f) => f.e164 === match.number.number)) continue;
    found.push({ text: text.slice(match.startsAt, match.endsAt), e164: match.number.number });
  }
  return found;
}

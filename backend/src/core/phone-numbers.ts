// What a dialled string is: an internal extension, an emergency number, a
// phone number in E.164 with its country and type, or nothing we can call.
import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

export type Dialled =
  | { kind: 'extension'; extension: string }
  | { kind: 'emergency'; number: string }
  | { kind: 'e164'; e164: string; country: string | null; type: NumberType | undefined }
  | { kind: 'invalid'; reason: 'empty' | 'not_a_number' | 'too_long' | 'not_valid' };

/** Digits, with an optional leading + or international 00; everything else is not dialable. */
const DIALABLE = /^\+?[0-9]+$/;
const MAX_DIGITS = 17; // E.164 allows 15; a little slack for national prefixes

export interface ClassifyOptions {
  defaultCountry: string;
  emergencyNumbers: readonly string[];
  /** True when an enabled user answers to this extension. */
  isExtension(candidate: string): boolean;
}

/**
 * Classifies a dialled string. Visual separators (spaces, dots, dashes,
 * brackets) are dropped first; an extension wins over a short national number
 * only when a user actually has it.
 */
export function classify(dialled: string, options: ClassifyOptions): Dialled {
  const cleaned = dialled.replace(/[\s().\-/]/g, '');
  if (cleaned === '') return { kind: 'invalid', reason: 'empty' };
  if (!DIALABLE.test(cleaned)) return { kind: 'invalid', reason: 'not_a_number' };
  const digits = cleaned.replace(/^\+/, '');
  if (digits.length === 0) return { kind: 'invalid', reason: 'not_a_number' };
  if (digits.length > MAX_DIGITS) return { kind: 'invalid', reason: 'too_long' };
  if (!cleaned.startsWith('+') && options.emergencyNumbers.includes(cleaned)) return { kind: 'emergency', number: cleaned };
  if (!cleaned.startsWith('+') && /^[0-9]{2,6}$/.test(cleaned) && options.isExtension(cleaned)) return { kind: 'extension', extension: cleaned };
  const international = cleaned.startsWith('00') ? `+${cleaned.slice(2)}` : cleaned;
  const parsed = parsePhoneNumberFromString(international, international.startsWith('+') ? undefined : (options.defaultCountry as never));
  if (!parsed || !parsed.isValid()) return { kind: 'invalid', reason: 'not_valid' };
  return { kind: 'e164', e164: parsed.number, country: parsed.country ?? null, type: parsed.getType() };
}

/**
 * Ranges abused for international revenue share fraud and other toll fraud,
 * refused whatever the allow-list says: satellite and international networks
 * (+870, +881, +882, +883), and premium-rate ranges of small networks that
 * fraud reports keep naming. Extend with BLOCKED_PREFIXES.
 */
export const FRAUD_PREFIXES: readonly string[] = [
  '+870', // Inmarsat
  '+881', // global mobile satellite systems
  '+882', // international networks
  '+883', // international networks
  '+979', // international premium rate
  '+808', // international shared cost
  '+878', // universal personal telecommunications
];

/** Number types the switch never bridges to the trunk, whatever the allow-list says. */
export const BLOCKED_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['PREMIUM_RATE', 'SHARED_COST', 'UAN', 'PAGER', 'VOICEMAIL']);

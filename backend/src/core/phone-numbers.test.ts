// The browser's number rules (@sipcall/phone/numbers: whether what someone
// typed into Talk, or wrote in a chat message, is a phone number) must agree
// with what the backend makes of the same string when it is dialled, or the
// Nextcloud app would offer calls the backend then refuses, or hide ones it
// would place.
import { phoneNumberIn } from '@sipcall/phone/numbers';
import { describe, expect, it } from 'vitest';
import { classify } from './phone-numbers.js';

const TYPED = [
  '+49 30 1234567',
  '0049 30 1234567',
  '030 1234567',
  '030/123-4567',
  '(030) 1234567',
  '+43 1 5123456',
  '+1 212 555 0100',
  '+44 20 7946 0958',
  '0170 1234567',
  '+49 30 12',
  '1002',
  '12345',
  '+0 123',
  '+999 1234567',
  '9'.repeat(18),
  'Alice',
  '*21#',
  '',
];

describe('the browser and the backend agree on what a phone number is', () => {
  it.each(TYPED)('%j', (typed) => {
    const backend = classify(typed, { defaultCountry: 'DE', emergencyNumbers: [], isExtension: () => false });
    const browser = phoneNumberIn(typed, 'DE');
    expect(browser?.e164 ?? null).toBe(backend.kind === 'e164' ? backend.e164 : null);
  });
});

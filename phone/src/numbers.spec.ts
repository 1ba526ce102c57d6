import { describe, expect, it } from 'vitest';
import { phoneNumberIn, phoneNumbersInText } from './numbers';

describe('phoneNumberIn', () => {
  it.each([
    ['+49 30 1234567', 'DE', '+49301234567'],
    ['+49 30 1234567', null, '+49301234567'],
    ['0049 (30) 123-4567', null, '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['tel:+43 1 5123456', null, '+4315123456'],
    [' +1 212 555 0100 ', null, '+12125550100'],
  ])('%j (country %s) is %s', (text, country, e164) => expect(phoneNumberIn(text, country)?.e164).toBe(e164));

  it.each([
    ['Alice', 'DE'],
    ['', 'DE'],
    ['1002', 'DE'],
    ['+49 30 12', 'DE'],
    ['030 1234567', null],
    ['+49 30 1234567 Alice', 'DE'],
    ['9'.repeat(18), 'DE'],
    ['*21#', 'DE'],
  ])('%j (country %s) is not a phone number', (text, country) => expect(phoneNumberIn(text, country)).toBeNull());
});

describe('phoneNumbersInText', () => {
  it('finds each valid number once, as it was written', () => {
    const found = phoneNumbersInText('Call me on +49 30 1234567 or 030 1234567, not 12345. Office: +43 1 5123456', 'DE');
    expect(found).toEqual([
      { text: '+49 30 1234567', e164: '+49301234567' },
      { text: '+43 1 5123456', e164: '+4315123456' },
    ]);
  });
  it('finds none in words', () => expect(phoneNumbersInText('See you at 10 in room 4', 'DE')).toEqual([]));
});

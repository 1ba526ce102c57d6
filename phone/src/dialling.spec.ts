import { describe, expect, it } from 'vitest';
import { cleanDialled, diallableRemote, flagOf, groupNumber, isDiallable, lettersToDigits } from './dialling';

describe('lettersToDigits', () => {
  it.each([
    ['0800 FLOWERS', '0800 3569377'],
    ['1-800-flowers', '1-800-3569377'],
    ['ABC DEF GHI JKL MNO PQRS TUV WXYZ', '222 333 444 555 666 7777 888 9999'],
    ['+49 30 1234567', '+49 30 1234567'],
  ])('%s → %s', (typed, digits) => expect(lettersToDigits(typed)).toBe(digits));
});

describe('cleanDialled', () => {
  it.each([
    ['tel:+49 (30) 123-456', '+49 (30) 123-456'],
    [' TEL:+4930', '+4930'],
    ['0049abc30+1', '0049222301'],
    ['*21#', '*21#'],
    ['+49\t30_12!', '+493012'],
    ['1+2+3', '123'],
    ['9'.repeat(50), '9'.repeat(40)],
  ])('%j → %j', (typed, kept) => expect(cleanDialled(typed)).toBe(kept));
});

describe('groupNumber', () => {
  it.each([
    ['030 1234567', '+49301234567', null, '+49 30 1234567'],
    ['0800 3569377', '+498003569377', null, '+49 800 3569377'],
    ['+4315123456', null, null, '+43 1 5123456'],
    ['030 1234567', null, 'DE', '030 1234567'],
    ['0301234567', null, 'DE', '030 1234567'],
    ['0301234567', null, null, '0301234567'],
    ['1002', '1002', null, '1002'],
    ['*21#', null, 'DE', '*21#'],
  ])('%j (backend: %j, country %j) → %j', (typed, e164, country, grouped) => expect(groupNumber(typed, e164, country)).toBe(grouped));
});

describe('flagOf', () => {
  it('makes the flag from the two regional indicator letters', () => {
    expect(flagOf('DE')).toBe('🇩🇪');
    expect(flagOf('at')).toBe('🇦🇹');
    expect(flagOf(null)).toBe('');
    expect(flagOf('001')).toBe('');
  });
});

describe('isDiallable', () => {
  it('accepts numbers history keeps, not erased or masked ones', () => {
    expect(isDiallable('+49301234567')).toBe(true);
    expect(isDiallable('1002')).toBe(true);
    expect(isDiallable('+********567')).toBe(false);
    expect(isDiallable(null)).toBe(false);
  });
});

describe('diallableRemote', () => {
  it('keeps numbers and extensions, never a user id or a SIP URI', () => {
    expect(diallableRemote('+49301234567')).toBe('+49301234567');
    expect(diallableRemote('1002')).toBe('1002');
    expect(diallableRemote('1b57f873-0d64-4b07-8195-424a3a9c37d7')).toBeNull();
    expect(diallableRemote('sip:alice@example.org')).toBeNull();
  });
});

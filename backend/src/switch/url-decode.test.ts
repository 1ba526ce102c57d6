import { describe, expect, it } from 'vitest';
import { urlDecode } from './url-decode.js';

describe('urlDecode', () => {
  it.each([
    ['fd00%3A%3A2', 'fd00::2'],
    ['Sat,%2021%20Nov%202026%2004%3A48%3A42%20GMT', 'Sat, 21 Nov 2026 04:48:42 GMT'],
    ['%2B4930123456', '+4930123456'],
    ['J%C3%BCrgen', 'Jürgen'],
  ])('decodes the escapes of %s as the switch wrote them', (raw, decoded) => {
    expect(urlDecode(raw)).toBe(decoded);
  });

  it('leaves + as it is: the switch does not write spaces that way', () => {
    expect(urlDecode('+4930%20123')).toBe('+4930 123');
  });

  it('keeps a bad escape literally and still decodes the good ones', () => {
    expect(urlDecode('100%25 %zz')).toBe('100% %zz');
    expect(urlDecode('%E4%20%zz')).toBe('\u00e4 %zz');
  });

  it('returns a value without % untouched', () => {
    const value = 'no escapes here';
    expect(urlDecode(value)).toBe(value);
  });
});

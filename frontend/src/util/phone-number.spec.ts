import { describe, expect, it } from 'vitest';
import { countryLabel } from './phone-number';

describe('countryLabel', () => {
  it('names the country in the language of the app', () => {
    expect(countryLabel('DE')).toBe('Germany');
    expect(countryLabel(null)).toBe('');
  });
});

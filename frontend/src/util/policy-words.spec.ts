import { afterEach, describe, expect, it } from 'vitest';
import { setLanguageChoice } from '../i18n';
import { policySentence } from './policy-words';

const policy = {
  allowedCountries: ['DE', 'AT'],
  allowedPrefixes: [],
  blockedPrefixes: ['+49137'],
  builtInBlockedPrefixes: ['+870', '+881'],
  emergencyNumbers: ['112', '110'],
  emergencyPolicy: 'allow' as const,
};

describe('the routing policy in words', () => {
  afterEach(() => setLanguageChoice(null));

  it('says where calls go, what is blocked and the emergency numbers', async () => {
    expect(policySentence(policy)).toBe('Calls allowed to: Germany, Austria; blocked: premium-rate and satellite ranges, +49137…; emergency numbers 112, 110: allowed');
  });

  it('names prefixes as ranges, and says nowhere and none for empty lists', async () => {
    expect(policySentence({ ...policy, allowedCountries: [], allowedPrefixes: ['+4930'], blockedPrefixes: [], emergencyPolicy: 'refuse' })).toBe(
      'Calls allowed to: +4930…; blocked: premium-rate and satellite ranges; emergency numbers 112, 110: refused',
    );
    expect(policySentence({ ...policy, allowedCountries: [], builtInBlockedPrefixes: [], blockedPrefixes: [], emergencyNumbers: [] })).toBe(
      'Calls allowed to: nowhere; blocked: none; emergency numbers none: allowed',
    );
  });

  it('speaks the page language, country names included', async () => {
    await setLanguageChoice('de');
    expect(policySentence(policy)).toBe('Anrufe erlaubt nach: Deutschland, Österreich; gesperrt: Premium- und Satellitenrufnummern, +49137…; Notrufnummern 112, 110: erlaubt');
  });
});

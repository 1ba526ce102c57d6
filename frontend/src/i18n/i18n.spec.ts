import { afterEach, describe, expect, it, vi } from 'vitest';
import { de } from './de';
import { en } from './en';
import { fr } from './fr';
import { currentLanguage, formatLocale, languageChoice, resolveLanguage, setLanguageChoice, startI18n, t, tn } from '.';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each([
  ['de', de],
  ['fr', fr],
] as const)('the %s catalogue', (_, catalogue) => {
  it('has the keys of English in the same order, so additions merge line by line', async () => {
    expect(Object.keys(catalogue)).toEqual(Object.keys(en));
  });

  it('leaves no message empty', async () => {
    const empty = Object.entries(catalogue).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it('has the same placeholders as English in every message', async () => {
    const differ = Object.entries(en)
      .filter(([key, text]) => placeholders(text).join() !== placeholders(catalogue[key as keyof typeof catalogue]).join())
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });
});

describe('resolveLanguage', () => {
  it.each([
    { choice: null, preferred: ['de-DE', 'en-US'], language: 'de', locale: 'de-DE' },
    { choice: null, preferred: ['de-AT'], language: 'de', locale: 'de-AT' },
    { choice: null, preferred: ['it-IT', 'fr-CH', 'en'], language: 'fr', locale: 'fr-CH' },
    { choice: null, preferred: ['en-GB', 'de'], language: 'en', locale: 'en-GB' },
    { choice: null, preferred: ['it-IT', 'es'], language: 'en', locale: 'en' },
    { choice: null, preferred: [], language: 'en', locale: 'en' },
    { choice: 'de', preferred: ['en-US'], language: 'de', locale: 'de' },
    { choice: 'en', preferred: ['de-DE', 'en-GB'], language: 'en', locale: 'en-GB' },
    { choice: null, preferred: ['DE_de'], language: 'de', locale: 'de' },
  ] as const)('$choice with $preferred speaks $language and formats as $locale', ({ choice, preferred, language, locale }) => {
    expect(resolveLanguage(choice, preferred)).toEqual({ language, locale });
  });
});

describe('the language of the page', () => {
  afterEach(async () => {
    await setLanguageChoice(null);
    vi.restoreAllMocks();
  });

  it('follows the browser, sets <html lang>, and translates with placeholders filled', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-DE', 'en']);
    await startI18n();
    expect(currentLanguage()).toBe('de');
    expect(formatLocale()).toBe('de-DE');
    expect(document.documentElement.lang).toBe('de');
    expect(t('nav.signedInAs', { name: 'Ada' })).toBe('Angemeldet als Ada');
  });

  it('keeps a choice in this browser over the browser language, and forgets it on request', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-DE']);
    await setLanguageChoice('fr');
    expect(localStorage.getItem('sipcall.language')).toBe('fr');
    expect(languageChoice()).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
    expect(t('dialpad.call')).toBe('Appeler');
    await startI18n();
    expect(currentLanguage()).toBe('fr');
    await setLanguageChoice(null);
    expect(localStorage.getItem('sipcall.language')).toBeNull();
    expect(currentLanguage()).toBe('de');
  });

  it.each([
    ['en', [0, 1, 2, 1234], ['0 calls', '1 call', '2 calls', '1,234 calls']],
    ['de', [0, 1, 2, 1234], ['0 Anrufe', '1 Anruf', '2 Anrufe', '1.234 Anrufe']],
    ['fr', [0, 1, 2, 1234], ['0 appel', '1 appel', '2 appels', '1\u202f234 appels']],
  ] as const)('counts in %s with its plural rules and its numbers', async (language, counts, texts) => {
    await setLanguageChoice(language);
    expect(counts.map((n) => tn('live.count', n))).toEqual(texts);
  });

  it('follows the browser when its languages change', async () => {
    const languages = vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    await startI18n();
    expect(t('dialpad.call')).toBe('Call');
    languages.mockReturnValue(['de']);
    window.dispatchEvent(new Event('languagechange'));
    await vi.waitFor(() => expect(t('dialpad.call')).toBe('Anrufen'));
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLanguageChoice } from '.';
import { compareText, countryName, formatDateTime, formatDay, formatDuration, formatDurationWords, formatHour, formatMilliseconds, formatMoney, formatNumber, formatPercent, formatTimer } from './format';

// Intl puts no-break and narrow no-break spaces where a language wants them; compared as plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
// 2 December 2026, 14:33 on the machine's clock, whatever its time zone.
const AT = new Date(2026, 11, 2, 14, 33).toISOString();

async function speak(tags: string[]) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(tags);
  await setLanguageChoice(null);
}

describe('formatting in the page language', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await setLanguageChoice(null);
  });

  it.each([
    {
      tags: ['en-US'],
      number: '1,234.6',
      percent: '66.7%',
      euro: '€12.30',
      rate: '€0.012',
      dateTime: 'Dec 2, 2026, 2:33 PM',
      day: 'Dec 2',
      hour: 'Dec 2, 2 PM',
      words: '1 hr, 30 min',
      country: 'Germany',
    },
    {
      tags: ['de-DE'],
      number: '1.234,6',
      percent: '66,7 %',
      euro: '12,30 €',
      rate: '0,012 €',
      dateTime: '02.12.2026, 14:33',
      day: '2. Dez.',
      hour: '2. Dez., 14 Uhr',
      words: '1 Std., 30 Min.',
      country: 'Deutschland',
    },
    {
      tags: ['fr-FR'],
      number: '1 234,6',
      percent: '66,7 %',
      euro: '12,30 €',
      rate: '0,012 €',
      dateTime: '2 déc. 2026, 14:33',
      day: '2 déc.',
      hour: '2 déc., 14 h',
      words: '1 h et 30 min',
      country: 'Allemagne',
    },
  ])('$tags writes numbers, percentages, money, dates and countries its way', async ({ tags, ...expected }) => {
    await speak(tags);
    expect(plain(formatNumber(1234.56, 1))).toBe(expected.number);
    expect(plain(formatPercent(0.6667))).toBe(expected.percent);
    expect(plain(formatMoney({ amount: '12.3', currency: 'EUR' }))).toBe(expected.euro);
    expect(plain(formatMoney({ amount: '0.012', currency: 'EUR' }))).toBe(expected.rate);
    expect(plain(formatDateTime(AT))).toBe(expected.dateTime);
    expect(plain(formatDay(AT))).toBe(expected.day);
    expect(plain(formatHour(AT))).toBe(expected.hour);
    expect(plain(formatDurationWords(5400))).toBe(expected.words);
    expect(countryName('DE')).toBe(expected.country);
  });

  it('writes durations as a clock, the running timer with two-digit minutes', async () => {
    await speak(['de-DE']);
    expect([formatDuration(42), formatDuration(125), formatDuration(3723), formatDuration(null)]).toEqual(['0:42', '2:05', '1:02:03', '–']);
    expect([formatTimer(5), formatTimer(62), formatTimer(3723)]).toEqual(['00:05', '01:02', '1:02:03']);
  });

  it('says "nothing" for missing values and leaves unknown country codes as they are', async () => {
    await speak(['en-US']);
    expect([formatPercent(null), formatMilliseconds(null), formatMoney(null), formatMoney(undefined)]).toEqual(['–', '–', '–', '–']);
    expect(plain(formatMilliseconds(120.4))).toBe('120 ms');
    expect(countryName('XX')).toBe('XX');
    expect(countryName('not-a-code')).toBe('not-a-code');
    expect(countryName(null)).toBe('');
  });

  it('sorts names as the language does', async () => {
    await speak(['de-DE']);
    expect(['Zoe', 'Ärger', 'Anna'].sort(compareText)).toEqual(['Anna', 'Ärger', 'Zoe']);
  });

  it('follows a change of language at once', async () => {
    await speak(['en-US']);
    expect(formatNumber(1234)).toBe('1,234');
    await setLanguageChoice('de');
    expect(formatNumber(1234)).toBe('1.234');
  });
});

// Numbers, dates, durations, money and country names as the page's language
// writes them, through Intl and the locale of index.ts. Views format with
// these and nothing else; the formatters are cached per locale and options.
import type { Money } from '@sipcall/contract';
import { formatLocale } from '.';

/** What a table shows for a value that does not exist (no answered calls, no cost). */
export const NONE = '–';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.DisplayNames | Intl.Collator | Intl.ListFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.DisplayNames | Intl.Collator | Intl.ListFormat>(kind: string, options: object, make: (locale: string) => T): T {
  const locale = formatLocale();
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = make(locale);
    cache.set(key, formatter);
  }
  return formatter;
}
const numberFormat = (options: Intl.NumberFormatOptions) => cached('number', options, (l) => new Intl.NumberFormat(l, options));
const dateFormat = (options: Intl.DateTimeFormatOptions) => cached('date', options, (l) => new Intl.DateTimeFormat(l, options));

/** 1,234 · 1.234 · 1 234; at most `fractionDigits` decimals. */
export const formatNumber = (n: number, fractionDigits = 0) => numberFormat({ maximumFractionDigits: fractionDigits }).format(n);

/** A ratio (0.667) as a percentage with one decimal: 66.7% · 66,7 %. */
export const formatPercent = (ratio: number | null) => (ratio === null ? NONE : numberFormat({ style: 'percent', maximumFractionDigits: 1 }).format(ratio));

/** Milliseconds, as call quality reports them: 120 ms. */
export const formatMilliseconds = (ms: number | null) => (ms === null ? NONE : numberFormat({ style: 'unit', unit: 'millisecond', maximumFractionDigits: 0 }).format(ms));

/**
 * An amount of money as the API sends it (an exact decimal string and its
 * currency): at least the currency's usual two places, and as many more as the
 * amount has (per-minute rates go to tenths of a cent): €0.012 · 0,012 €.
 */
export function formatMoney(money: Money | null | undefined): string {
  if (!money) return NONE;
  const places = Math.min(6, Math.max(2, (money.amount.split('.')[1] ?? '').length));
  // Number() only to write it: the amount has at most six places, which a double holds exactly enough to print.
  return numberFormat({ style: 'currency', currency: money.currency, minimumFractionDigits: places, maximumFractionDigits: places }).format(Number(money.amount));
}

function clock(seconds: number, padMinutes: boolean): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const two = numberFormat({ minimumIntegerDigits: 2, useGrouping: false });
  const m = Math.floor((s % 3600) / 60);
  const minutes = h > 0 || padMinutes ? two.format(m) : numberFormat({ useGrouping: false }).format(m);
  const rest = `${minutes}:${two.format(s % 60)}`;
  return h > 0 ? `${numberFormat({}).format(h)}:${rest}` : rest;
}

/** A length of time in a table: 0:42, 12:03, 1:02:03. */
export const formatDuration = (seconds: number | null) => (seconds === null ? NONE : clock(seconds, false));

/** The running call timer: 00:42, 12:03, 1:02:03. */
export const formatTimer = (seconds: number) => clock(seconds, true);

/** A length of time in words, for limits: 1 hr, 30 min · 1 Std., 30 Min. */
export function formatDurationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const parts: Array<[number, 'hour' | 'minute' | 'second']> = [
    [Math.floor(s / 3600), 'hour'],
    [Math.floor((s % 3600) / 60), 'minute'],
    [s % 60, 'second'],
  ];
  const shown = parts.filter(([n]) => n > 0);
  const words = (shown.length > 0 ? shown : [parts[2]!]).map(([n, unit]) => numberFormat({ style: 'unit', unit, unitDisplay: 'short' }).format(n));
  return cached('list', {}, (l) => new Intl.ListFormat(l, { type: 'unit', style: 'short' })).format(words);
}

/** A moment, as history and the audit log list them: 2 Dec 2026, 14:33 · 02.12.2026, 14:33. */
export const formatDateTime = (iso: string) => dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** A day in full, as when something began: 2 Dec 2026 · 02.12.2026. */
export const formatDate = (iso: string) => dateFormat({ dateStyle: 'medium' }).format(new Date(iso));

/** 14:03:12: when something happens next, or happened today. */
export const formatTime = (at: string | number | Date) => dateFormat({ timeStyle: 'medium' }).format(new Date(at));

/** A day on a chart's axis: Dec 2 · 2. Dez. */
export const formatDay = (iso: string) => dateFormat({ month: 'short', day: 'numeric' }).format(new Date(iso));

/** An hour on a chart's axis: Dec 2, 2 PM · 2. Dez., 14 Uhr. */
export const formatHour = (iso: string) => dateFormat({ month: 'short', day: 'numeric', hour: 'numeric' }).format(new Date(iso));

/** A country by its ISO code in the page's language (Germany · Deutschland); the code itself where Intl does not know it. */
export function countryName(code: string | null): string {
  if (!code) return '';
  try {
    return cached('region', {}, (l) => new Intl.DisplayNames([l], { type: 'region' })).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Orders names as the page's language does (Ä beside A in German). */
export const compareText = (a: string, b: string) => cached('collator', {}, (l) => new Intl.Collator(l)).compare(a, b);

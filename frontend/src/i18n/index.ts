// The web app's words and its language: which catalogue speaks, which locale
// formats numbers and dates, and where that comes from (the person's choice
// in this browser, else the browser's own languages, else English).
// English is in the first load (every other language falls back to it); the
// others are fetched only when someone's language is one of them.
import { isRTL, setLanguage, setLocale } from '@nextcloud/l10n';
import { shallowRef } from 'vue';
import type { Catalogue } from './catalogue';
import { en, type MessageKey } from './en';

export type { MessageKey };

export const LANGUAGES = ['en', 'de', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language by its own name, as language pickers show them. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', de: 'Deutsch', fr: 'Français' };

/** The catalogues loaded so far; English always. */
const CATALOGUES: Partial<Record<Language, Catalogue>> = { en };
const LOADERS: Readonly<Record<Exclude<Language, 'en'>, () => Promise<Catalogue>>> = {
  de: () => import('./de').then((m) => m.de),
  fr: () => import('./fr').then((m) => m.fr),
};

/** Fetches a language's catalogue once; false when it could not be fetched (English speaks meanwhile). */
async function loadCatalogue(language: Language): Promise<boolean> {
  if (CATALOGUES[language]) return true;
  try {
    CATALOGUES[language] = await LOADERS[language as Exclude<Language, 'en'>]();
    return true;
  } catch {
    return false;
  }
}

/** Kept in this browser, like the audio devices: no account field, no server round trip. */
const STORAGE_KEY = 'sipcall.language';

interface Current {
  /** What the person picked in Settings, or null to follow the browser. */
  choice: Language | null;
  /** The catalogue in use. */
  language: Language;
  /** The BCP 47 tag Intl formats with: the browser's own tag when it speaks this language (de-AT, en-GB), else the language. */
  locale: string;
}

// A ref, so every template and computed that called t() or a formatter redraws when the language changes.
const current = shallowRef<Current>({ choice: null, language: 'en', locale: 'en' });

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

const primary = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? '';
function canonical(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The language and locale for a choice and the browser's preferred languages (navigator.languages), first match wins. */
export function resolveLanguage(choice: Language | null, preferred: readonly string[]): Omit<Current, 'choice'> {
  const language = choice ?? preferred.map(primary).find(isLanguage) ?? 'en';
  const locale = preferred.filter((tag) => primary(tag) === language).map(canonical).find((tag) => tag !== null) ?? language;
  return { language, locale };
}

function readChoice(): Language | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

let applying = 0;
/** Switches once the language's words are in, so nothing is drawn half in English; the latest request wins. */
async function apply(choice: Language | null): Promise<void> {
  const mine = ++applying;
  const resolved = resolveLanguage(choice, browserLanguages());
  const loaded = await loadCatalogue(resolved.language);
  if (mine !== applying) return;
  current.value = loaded ? { choice, ...resolved } : { choice, language: 'en', locale: 'en' };
  if (typeof document === 'undefined') return;
  // Nextcloud's components speak and lay out in the same language (their own words, RTL).
  setLanguage(current.value.language);
  setLocale(current.value.locale.replaceAll('-', '_'));
  document.documentElement.dir = isRTL(current.value.language) ? 'rtl' : 'ltr';
}

/**
 * Reads the choice and the browser's languages, sets `<html lang>`, and keeps
 * them current: the browser's languages changing, or another tab choosing.
 */
export async function startI18n(): Promise<void> {
  window.addEventListener('languagechange', () => void apply(current.value.choice));
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY || event.key === null) void apply(readChoice());
  });
  await apply(readChoice());
}

/** Picks a language for this browser, or (null) goes back to following the browser's. */
export function setLanguageChoice(choice: Language | null): Promise<void> {
  try {
    if (choice) localStorage.setItem(STORAGE_KEY, choice);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
  return apply(choice);
}

export const languageChoice = (): Language | null => current.value.choice;
/** The language the browser alone would pick, for the "as this browser is set" choice. */
export const browserLanguage = (): Language => resolveLanguage(null, browserLanguages()).language;
export const currentLanguage = (): Language => current.value.language;
/** The locale every Intl formatter uses (see format.ts). */
export const formatLocale = (): string => current.value.locale;

/** The one translation function: every user-visible string goes through it. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = CATALOGUES[current.value.language]?.[key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/**
 * A message about `count` things, {n} written as the language writes numbers.
 * Where the language's plural rules pick a form the catalogues have
 * (`live.count.one` beside `live.count`), that form; else the key itself.
 */
export function tn(key: MessageKey, count: number, params: Record<string, string | number> = {}): string {
  const { language, locale } = current.value;
  const form = `${key}.${new Intl.PluralRules(language).select(count)}`;
  return t(hasMessage(form) ? form : key, { ...params, n: new Intl.NumberFormat(locale).format(count) });
}

/** Whether a key built at run time (from a server code, say) names a message. */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

// Nextcloud's components choose their own words once, as their modules load: they are told the
// language here, before any of them is imported (main.ts imports this module first). A language
// chosen later in Settings reaches their few words (keyboard help, "Close") on the next visit.
if (typeof document !== 'undefined') setLanguage(resolveLanguage(readChoice(), browserLanguages()).language);

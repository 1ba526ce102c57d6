// Nextcloud's component libraries carry their own words (buttons, dialogs, keyboard help) in
// some 56 languages, all in the first load. SIPCall speaks a few: the build keeps those and
// drops the rest, so the browser does not download translations no page can show.
import { runInNewContext } from 'node:vm';
import type { Plugin } from 'vite';

/** Where each library keeps its table, and what an entry's language is called there. */
const TABLES = [
  // @nextcloud/vue: `const t12 = [{ "l": "de", "t": {…} }, …];` one line per table
  { file: /@nextcloud\/vue\/dist\/chunks\/_l10n[^/]*\.mjs$/, line: /^(const t\d+ = )(\[.*\]);$/gm, key: 'l' },
  // @nextcloud/dialogs: `for (const data of [{ "language": "de", "translations": […] }, …]) {`
  { file: /@nextcloud\/dialogs\/dist\/chunks\/index[^/]*\.mjs$/, line: /^(for \(const data of )(\[.*\])\) \{$/gm, key: 'language' },
] as const;

/** A language tag of these tables (de, de_DE, pt-BR) belongs to one of `languages` by its first part. */
export function keepsLanguage(tag: string, languages: readonly string[]): boolean {
  return languages.includes(tag.split(/[-_]/)[0]!.toLowerCase());
}

/** The library's source with only the entries of `languages` left in its tables; null when it has none. */
export function trimTranslations(code: string, id: string, languages: readonly string[]): string | null {
  const table = TABLES.find((t) => t.file.test(id));
  if (!table) return null;
  return code.replace(table.line, (whole: string, _head: string, list: string) => {
    // The tables are object literals (some strings single-quoted): read as the library's own code
    // would be, in an empty context, then written back as plain JSON.
    const entries = runInNewContext(`(${list})`, {}, { timeout: 1000 }) as Record<string, unknown>[];
    const kept = entries.filter((e) => typeof e[table.key] === 'string' && keepsLanguage(e[table.key] as string, languages));
    return whole.replace(list, () => JSON.stringify(kept));
  });
}

export function nextcloudTranslations(languages: readonly string[]): Plugin {
  return {
    name: 'sipcall:nextcloud-translations',
    enforce: 'pre',
    transform(code, id) {
      const trimmed = trimTranslations(code, id, languages);
      return trimmed === null ? null : { code: trimmed, map: null };
    },
  };
}

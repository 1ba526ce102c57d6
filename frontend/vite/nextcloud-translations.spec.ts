// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { keepsLanguage, trimTranslations } from './nextcloud-translations';

describe("the build's trimming of Nextcloud's translation tables", () => {
  it('keeps a language by its first part, whatever the region', () => {
    expect(['de', 'de_DE', 'de-CH', 'fr', 'FR-ca'].every((t) => keepsLanguage(t, ['de', 'fr']))).toBe(true);
    expect(['ar', 'nl', 'en_GB', 'pt-BR'].some((t) => keepsLanguage(t, ['de', 'fr']))).toBe(false);
  });

  it("keeps only SIPCall's languages in @nextcloud/vue's tables, single-quoted strings and all", () => {
    const code = [
      'const t1 = [{ "l": "ar", "t": { "Close": { "v": ["إغلاق"] } } }, { "l": "de_DE", "t": { "Close": { "v": [\'"Schließen"\'] } } }];',
      'export { t1 as a };',
    ].join('\n');
    const out = trimTranslations(code, '/x/node_modules/@nextcloud/vue/dist/chunks/_l10n.mjs', ['de', 'fr'])!;
    expect(out).toBe('const t1 = [{"l":"de_DE","t":{"Close":{"v":["\\"Schließen\\""]}}}];\nexport { t1 as a };');
  });

  it("does the same for @nextcloud/dialogs' table, and leaves every other file alone", () => {
    const code = 'for (const data of [{ "language": "fr", "translations": [] }, { "language": "ja", "translations": [] }]) {\n  use(data);\n}';
    expect(trimTranslations(code, '/x/node_modules/@nextcloud/dialogs/dist/chunks/index.mjs', ['de', 'fr'])).toBe(
      'for (const data of [{"language":"fr","translations":[]}]) {\n  use(data);\n}',
    );
    expect(trimTranslations(code, '/x/src/main.ts', ['de', 'fr'])).toBeNull();
  });
});

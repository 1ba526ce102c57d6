import type { MessageKey } from './en';

/**
 * A language's catalogue: exactly the keys of English. Written as
 * `export const xx = { … } satisfies Catalogue`, a missing key fails the type
 * check, and so does a key English does not have (an object literal's excess
 * property), so a key renamed or dropped in en.ts is caught in every language.
 */
export type Catalogue = { readonly [K in MessageKey]: string };

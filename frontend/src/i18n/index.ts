import { en, type MessageKey } from './en';

export type { MessageKey };

/** The language the words are in, for Intl (country names, say): the one catalogue there is. */
export const uiLanguage = (): string => 'en';

/** The one translation function: every user-visible string goes through it. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Whether a key built at run time (from a server code, say) names a message. */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

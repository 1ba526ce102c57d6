import { en, type MessageKey } from './en';

export type { MessageKey };

/** The one translation function: every user-visible string goes through it. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

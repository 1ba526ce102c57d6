// The audit trail as an admin reads it: what happened in words, who did it
// and to whom by name, and the details as labelled fields. The contract's
// list of actions has its words in en.ts (a missing one fails the type check).
import type { AuditEntry, User } from '@sipcall/contract';
import { hasMessage, t } from '../i18n';
import { formatNumber, NONE } from '../i18n/format';
import { formatE164 } from './phone-number';

/** The accounts known to the page, by id (the directory store's map). */
export type People = ReadonlyMap<string, Pick<User, 'displayName' | 'email'>>;

const short = (id: string) => id.slice(0, 8);

/** "Created an account"; a failed or refused sign-in has words of its own ("Sign-in failed"). */
export function actionWords(entry: Pick<AuditEntry, 'action' | 'outcome'>): string {
  const own = `audit.action.${entry.action}.${entry.outcome}`;
  return t(hasMessage(own) ? own : `audit.action.${entry.action}`);
}

export const outcomeWords = (entry: Pick<AuditEntry, 'outcome'>): string => t(`audit.outcome.${entry.outcome}`);

/** A user by display name when the page knows the account, else by the id shortened. */
export function personName(id: string, people: People): string {
  return people.get(id)?.displayName ?? short(id);
}

/** Who did it: the account's name, else the email kept beside the id, else the id shortened; none for the command line or an unknown email. */
export function actorWords(entry: Pick<AuditEntry, 'actorId' | 'actorEmail'>, people: People): string {
  if (entry.actorId && people.has(entry.actorId)) return personName(entry.actorId, people);
  if (entry.actorEmail) return entry.actorEmail;
  return entry.actorId ? short(entry.actorId) : t('audit.nobody');
}

/** To whom or what: a user by name, a number as people write it, a call or a deck's version by its id shortened. */
export function targetWords(entry: Pick<AuditEntry, 'targetType' | 'targetId'>, people: People): string {
  const { targetType: type, targetId: id } = entry;
  if (!type || !id) return '';
  if (type === 'user') return personName(id, people);
  if (type === 'did') return formatE164(id);
  if (type === 'call') return t('audit.target.call', { id: short(id) });
  if (type === 'rate_deck') return t('audit.target.rate_deck', { id: short(id) });
  return `${String(type)} ${id}`;
}

const PERSON_KEYS = new Set(['userId', 'owner']);
const ROLE_KEYS = new Set(['role', 'from', 'to']);

function value(key: string, v: unknown, people: People): string {
  if (v === null || v === undefined || v === '') return NONE;
  if (typeof v === 'boolean') return t(v ? 'audit.yes' : 'audit.no');
  if (typeof v === 'number') return formatNumber(v, 2);
  if (Array.isArray(v)) return v.length === 0 ? NONE : v.map((item) => value(key, item, people)).join(', ');
  if (typeof v === 'string') {
    if (PERSON_KEYS.has(key)) return personName(v, people);
    if (ROLE_KEYS.has(key) && hasMessage(`users.role.${v}`)) return t(`users.role.${v}` as 'users.role.user');
    if (key === 'reason' && hasMessage(`audit.reason.${v}`)) return t(`audit.reason.${v}` as 'audit.reason.disabled');
    if (key === 'family') return short(v);
    return formatE164(v);
  }
  return JSON.stringify(v);
}

export interface DetailField {
  key: string;
  label: string;
  value: string;
}

/** The details as label and value, in the order recorded: `{ userId, records: 3 }` → User: Ann Smith, Records: 3. */
export function detailFields(details: Readonly<Record<string, unknown>>, people: People): DetailField[] {
  return Object.entries(details).map(([key, v]) => {
    const label = `audit.detail.${key}`;
    return { key, label: hasMessage(label) ? t(label) : key, value: value(key, v, people) };
  });
}

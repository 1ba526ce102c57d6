// The contacts domain owns each user's address book: the people they call,
// sealed at rest with the user's own data key (erasing the user shreds them),
// each number also kept as a blind index so a number finds its name unopened.
import { randomUUID } from 'node:crypto';
import type { Assert, Contact, ContactMatch, ContactNumber, ContactNumberLabel, JsonOf, NextcloudContact, Same } from '@sipcall/contract';
import { ConflictError, NotFoundError, ValidationError, type ValidationIssue } from '../core/errors.js';
import { classify } from '../core/phone-numbers.js';
import { ownerOfUser, type BlindIndex, type KeyRing } from '../crypto/keys.js';
import type { FieldContext } from '../crypto/field-cipher.js';
import type { User } from '../users/user.entity.js';
import type { ContactRepository, ContactRow, SealedContact } from './contact-repository.js';

/** A contact as the service answers it (dates as dates; the wire has them as text). */
export interface ContactItem extends Omit<Contact, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}
type _Checked = Assert<Same<JsonOf<ContactItem>, Contact>>;

export interface ContactInput {
  displayName: string;
  organisation?: string | null | undefined;
  numbers: Array<{ label: ContactNumberLabel; number: string }>;
  note?: string | null | undefined;
}
export type ContactChange = Partial<ContactInput>;

export interface ContactQuery {
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export const MAX_CONTACTS_PER_USER = 5000;

export interface ContactServiceDeps {
  contacts: ContactRepository;
  keys: Pick<KeyRing, 'seal' | 'open'>;
  index: Pick<BlindIndex, 'of'>;
  /** The owner's country reads national numbers. */
  users: { findById(id: string): Promise<Pick<User, 'defaultCountry'> | null> };
  defaultCountry: string;
  /** Contacts one user may keep (MAX_CONTACTS_PER_USER unless a test says otherwise). */
  limit?: number;
  /** Contacts the user keeps elsewhere (their Nextcloud address books), read-only here: asked after their own. */
  elsewhere?: {
    lookup(userId: string, e164s: string[]): Promise<Record<string, string>>;
    list(userId: string, query: { q: string; limit: number }): Promise<NextcloudContact[]>;
  };
}

const field = (id: string, column: string): FieldContext => ({ table: 'contacts', column, row: id });
const collator = new Intl.Collator('und', { sensitivity: 'base', numeric: true });

export class ContactService {
  constructor(private readonly deps: ContactServiceDeps) {}

  /** A page of the user's contacts by name, narrowed to those whose name, organisation or number matches `q`. */
  async list(userId: string, query: ContactQuery): Promise<{ items: ContactItem[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const all = await this.openAll(await this.deps.contacts.ofUser(userId));
    const matches = query.q ? await this.matcher(userId, query.q) : () => true;
    const sorted = all.filter(matches).sort(byName);
    const rest = after ? sorted.filter((c) => byName(c, { displayName: after.name, id: after.id }) > 0) : sorted;
    const page = rest.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rest.length > query.limit && last ? encodeCursor(last.displayName, last.id) : null };
  }

  /** The name the user's address book has for each of these numbers (as E.164); numbers it does not know are left out. */
  async lookup(userId: string, numbers: string[]): Promise<Record<string, string>> {
    const country = await this.countryOf(userId);
    const wanted = new Map<string, string>(); // E.164 → as asked
    for (const n of numbers) {
      const e164 = normalise(n, country);
      if (e164) wanted.set(e164, n);
    }
    if (wanted.size === 0) return {};
    const rows = await this.deps.contacts.withAnyNumber(userId, [...wanted.keys()].map((e) => this.deps.index.of(e)));
    const found = (await this.openAll(rows)).sort(byName);
    const names: Record<string, string> = {};
    for (const c of found) for (const n of c.numbers) if (wanted.has(n.number) && !(n.number in names)) names[n.number] = c.displayName;
    // One's own name for a number wins over the one Nextcloud has.
    const rest = [...wanted.keys()].filter((e) => !(e in names));
    if (rest.length > 0 && this.deps.elsewhere) Object.assign(names, await this.deps.elsewhere.lookup(userId, rest));
    return names;
  }

  /** Everyone the user keeps a number of, own contacts and Nextcloud's, whose name, organisation or number matches `q`: by name, own first where equal. */
  async search(userId: string, q: string, limit: number): Promise<ContactMatch[]> {
    const matches = await this.matcher(userId, q);
    const own: ContactMatch[] = (await this.openAll(await this.deps.contacts.ofUser(userId))).filter(matches).map((c) => ({
      source: 'sipcall',
      id: c.id,
      displayName: c.displayName,
      organisation: c.organisation,
      numbers: c.numbers.map((n) => ({ label: n.label, typed: n.number, number: n.number, extension: null })),
    }));
    const theirs: ContactMatch[] = this.deps.elsewhere ? (await this.deps.elsewhere.list(userId, { q, limit })).map((c) => ({ source: 'nextcloud', ...c })) : [];
    const rank = (m: ContactMatch) => (m.source === 'sipcall' ? 0 : 1);
    return [...own, ...theirs].sort((a, b) => collator.compare(a.displayName, b.displayName) || rank(a) - rank(b)).slice(0, limit);
  }

  // Sealing and opening reach the key ring's own table: they happen outside the
  // transaction, which holds one connection (the embedded database has only one).
  async create(userId: string, input: ContactInput): Promise<ContactItem> {
    const numbers = this.numbersOf(input.numbers, await this.countryOf(userId));
    const id = randomUUID();
    const sealed = await this.seal(userId, id, { displayName: input.displayName, organisation: input.organisation ?? null, numbers, note: input.note ?? null });
    const row = await this.deps.contacts.transaction(userId, async (tx) => {
      const limit = this.deps.limit ?? MAX_CONTACTS_PER_USER;
      if ((await tx.count()) >= limit) throw new ConflictError(`An address book holds at most ${limit} contacts`, 'contacts_full');
      return tx.insert(id, sealed);
    });
    return (await this.open(row))!;
  }

  async update(userId: string, id: string, change: ContactChange): Promise<ContactItem> {
    const numbers = change.numbers === undefined ? undefined : this.numbersOf(change.numbers, await this.countryOf(userId));
    const row = await this.deps.contacts.one(userId, id);
    const now = row ? await this.open(row) : null;
    // Another user's contact is as absent as one that never was.
    if (!now) throw new NotFoundError('Contact');
    const next = {
      displayName: change.displayName ?? now.displayName,
      organisation: change.organisation === undefined ? now.organisation : change.organisation,
      numbers: numbers ?? now.numbers,
      note: change.note === undefined ? now.note : change.note,
    };
    const sealed = await this.seal(userId, id, next);
    const updated = await this.deps.contacts.transaction(userId, (tx) => tx.update(id, sealed));
    if (!updated) throw new NotFoundError('Contact');
    return (await this.open(updated))!;
  }

  async remove(userId: string, id: string): Promise<void> {
    await this.deps.contacts.transaction(userId, async (tx) => {
      if (!(await tx.delete(id))) throw new NotFoundError('Contact');
    });
  }

  /** Every contact of a user, opened (for the data export). */
  async allOf(userId: string): Promise<ContactItem[]> {
    return (await this.openAll(await this.deps.contacts.ofUser(userId))).sort(byName);
  }

  private async countryOf(userId: string): Promise<string> {
    return (await this.deps.users.findById(userId))?.defaultCountry ?? this.deps.defaultCountry;
  }

  /** The numbers in E.164; anything that is not a phone number, or a number listed twice, is a 400 naming it. */
  private numbersOf(given: ContactInput['numbers'], country: string): ContactNumber[] {
    const issues: ValidationIssue[] = [];
    const seen = new Set<string>();
    const numbers = given.map((n, i) => {
      const e164 = normalise(n.number, country);
      if (!e164) issues.push({ path: `body.numbers.${i}.number`, message: 'must be a phone number' });
      else if (seen.has(e164)) issues.push({ path: `body.numbers.${i}.number`, message: 'is listed twice' });
      else seen.add(e164);
      return { label: n.label, number: e164 ?? '' };
    });
    if (issues.length > 0) throw new ValidationError(`Invalid request body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    return numbers;
  }

  private async seal(userId: string, id: string, c: Omit<ContactItem, 'id' | 'createdAt' | 'updatedAt'>): Promise<SealedContact> {
    const owner = ownerOfUser(userId);
    const sealIf = (value: string | null, column: string) => (value === null ? Promise.resolve(null) : this.deps.keys.seal(owner, value, field(id, column)));
    const [name, organisation, numbers, note] = await Promise.all([
      this.deps.keys.seal(owner, c.displayName, field(id, 'name_enc')),
      sealIf(c.organisation, 'organisation_enc'),
      this.deps.keys.seal(owner, JSON.stringify(c.numbers), field(id, 'numbers_enc')),
      sealIf(c.note, 'note_enc'),
    ]);
    return { name_enc: name, organisation_enc: organisation, numbers_enc: numbers, note_enc: note, number_idx: c.numbers.map((n) => this.deps.index.of(n.number)) };
  }

  /** The contact, or null when the owner's key was erased. */
  private async open(r: ContactRow): Promise<ContactItem | null> {
    const openIf = (value: string | null, column: string) => (value === null ? Promise.resolve(null) : this.deps.keys.open(value, field(r.id, column)));
    const [name, organisation, numbers, note] = await Promise.all([openIf(r.name_enc, 'name_enc'), openIf(r.organisation_enc, 'organisation_enc'), openIf(r.numbers_enc, 'numbers_enc'), openIf(r.note_enc, 'note_enc')]);
    if (name === null || numbers === null) return null;
    return { id: r.id, displayName: name, organisation, numbers: JSON.parse(numbers) as ContactNumber[], note, createdAt: r.created_at, updatedAt: r.updated_at };
  }

  private async openAll(rows: ContactRow[]): Promise<ContactItem[]> {
    return (await Promise.all(rows.map((r) => this.open(r)))).filter((c): c is ContactItem => c !== null);
  }

  /** Name or organisation containing the words; or a number containing the digits, or equal to the number as the user's country reads it. */
  private async matcher(userId: string, q: string): Promise<(c: ContactItem) => boolean> {
    const text = q.toLocaleLowerCase();
    const digits = q.replace(/[\s().\-/]/g, '');
    const asNumber = /^\+?[0-9]{3,}$/.test(digits) ? normalise(digits, await this.countryOf(userId)) : null;
    const bare = /^\+?[0-9]{3,}$/.test(digits) ? digits.replace(/^\+/, '') : null;
    return (c) =>
      c.displayName.toLocaleLowerCase().includes(text) ||
      (c.organisation?.toLocaleLowerCase().includes(text) ?? false) ||
      c.numbers.some((n) => n.number === asNumber || (bare !== null && n.number.includes(bare)));
  }
}

function normalise(number: string, defaultCountry: string): string | null {
  const c = classify(number, { defaultCountry, emergencyNumbers: [], isExtension: () => false });
  return c.kind === 'e164' ? c.e164 : null;
}

function byName(a: Pick<ContactItem, 'displayName' | 'id'>, b: Pick<ContactItem, 'displayName' | 'id'>): number {
  return collator.compare(a.displayName, b.displayName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function encodeCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString('base64url');
}

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof name === 'string' && typeof id === 'string') return { name, id };
  } catch {
    // falls through to the refusal
  }
  throw new ValidationError('Bad cursor', [{ path: 'query.cursor', message: 'must be a cursor from a previous page' }]);
}

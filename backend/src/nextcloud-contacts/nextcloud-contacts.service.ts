// The nextcloud-contacts domain owns each user's Nextcloud address books as
// SIPCall keeps them: the connection (credentials sealed with the user's data
// key), and a cache of their cards' names and numbers, sealed the same way and
// found by number through the blind index, synced from the CardDAV server.
// Read-only here: the cards are changed in Nextcloud.
import type { AddressBookStatus, AddressBookSyncError, Assert, CardNumber, JsonOf, NextcloudContact, Same } from '@sipcall/contract';
import { AppError, NotFoundError, ServiceUnavailableError } from '../core/errors.js';
import { classify } from '../core/phone-numbers.js';
import { ownerOfUser, type BlindIndex, type KeyRing } from '../crypto/keys.js';
import type { FieldContext } from '../crypto/field-cipher.js';
import type { Logger } from '../logger.js';
import { CardDavRefusedError, CardDavServerError, CardDavUnreachableError, type CardDavServer, type DavAccess, type RemoteBook, type RemoteCardRef } from './carddav.js';
import { ConnectionCredentials, openCredentials, sealCredentials, type AccessTokenFor, type AddressBookCredentials, type StoredCredentials } from './credentials.js';
import type { BookRow, CardRow, NextcloudContactRepository, SealedCard } from './repository.js';
import { parseVCard } from './vcard.js';

export interface AddressBookStatusItem extends Omit<AddressBookStatus, 'connectedAt' | 'lastSyncedAt' | 'lastError'> {
  connectedAt: Date | null;
  lastSyncedAt: Date | null;
  lastError: { code: AddressBookSyncError; at: Date } | null;
}
type _Checked = Assert<Same<JsonOf<AddressBookStatusItem>, AddressBookStatus>>;

/** The app password was refused when connecting: nothing was stored. */
export class CredentialsRefusedError extends AppError {
  constructor() {
    super(422, 'nextcloud_credentials_refused', 'Nextcloud refused the user name or app password');
  }
}

/** Connecting with the sign-in, but the user does not sign in with Nextcloud's OAuth2 app (or its token cannot be had). */
export class SignInUnusableError extends AppError {
  constructor() {
    super(409, 'nextcloud_sign_in_unusable', 'This account does not sign in with Nextcloud in a way that can read its address books; connect with an app password');
  }
}

export class AddressBookUnreachableError extends AppError {
  constructor(code: 'unreachable' | 'server_error') {
    super(502, `nextcloud_${code}`, code === 'unreachable' ? 'Nextcloud could not be reached' : 'Nextcloud did not answer as an address book server does');
  }
}

export interface NextcloudContactServiceDeps {
  repo: NextcloudContactRepository;
  keys: Pick<KeyRing, 'seal' | 'open'>;
  index: Pick<BlindIndex, 'of' | 'ofText'>;
  server: CardDavServer;
  /** The DAV root (CARDDAV_URL); null: address books are not offered. */
  url: string | null;
  /**
   * The user's Nextcloud sign-in, where its access token reads DAV (Nextcloud's
   * OAuth2 app): which Nextcloud account the user signs in as, and its token.
   * Absent: only app passwords.
   */
  signIn?: { accountOf(userId: string): Promise<string | null>; accessTokenFor: AccessTokenFor } | null;
  users: { findById(id: string): Promise<{ defaultCountry: string | null } | null> };
  defaultCountry: string;
  log: Pick<Logger, 'warn' | 'info'>;
  clock?: () => Date;
}

const cardField = (bookId: string, hrefIdx: string, column: string): FieldContext => ({ table: 'nextcloud_contacts', column, row: `${bookId}/${hrefIdx}` });
const bookField = (userId: string, urlIdx: string): FieldContext => ({ table: 'nextcloud_address_books', column: 'url_enc', row: `${userId}/${urlIdx}` });
const collator = new Intl.Collator('und', { sensitivity: 'base', numeric: true });

export class NextcloudContactService {
  private readonly credentials: AddressBookCredentials | null;
  /** The sync under way per user: a second request joins it, so no two overlap. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly deps: NextcloudContactServiceDeps) {
    this.credentials = deps.url ? new ConnectionCredentials({ connections: deps.repo, keys: deps.keys, url: deps.url, accessTokenFor: deps.signIn?.accessTokenFor ?? null }) : null;
    this.now = deps.clock ?? (() => new Date());
  }

  get available(): boolean {
    return this.deps.url !== null;
  }

  async status(userId: string): Promise<AddressBookStatusItem> {
    const row = this.available ? await this.deps.repo.connection(userId) : null;
    const creds = row ? await openCredentials(this.deps.keys, userId, row.credentials_enc) : null;
    const counts = row ? await this.deps.repo.counts(userId) : { books: 0, contacts: 0 };
    return {
      available: this.available,
      connected: row !== null,
      via: creds === null ? null : creds.kind === 'app-password' ? 'app-password' : 'sign-in',
      signInAccount: this.available && this.deps.signIn ? await this.deps.signIn.accountOf(userId) : null,
      username: creds?.username ?? null,
      connectedAt: row?.created_at ?? null,
      lastSyncedAt: row?.last_synced_at ?? null,
      lastError: row?.last_error && row.last_error_at ? { code: row.last_error as AddressBookSyncError, at: row.last_error_at } : null,
      syncing: this.running.has(userId),
      ...counts,
    };
  }

  /**
   * Connects the user's address books with their Nextcloud user name and an
   * app password, or with their Nextcloud sign-in's token: tried first (a
   * refusal is a 422 and nothing is stored), then kept (an app password
   * sealed), and the books synced once before answering.
   */
  async connect(userId: string, input: { username: string; appPassword: string } | { withSignIn: true }): Promise<AddressBookStatusItem> {
    const url = this.requireUrl();
    let stored: StoredCredentials;
    let access: DavAccess;
    if ('withSignIn' in input) {
      const account = this.deps.signIn ? await this.deps.signIn.accountOf(userId) : null;
      const token = account === null ? null : await this.deps.signIn!.accessTokenFor(userId);
      if (account === null || token === null) throw new SignInUnusableError();
      stored = { kind: 'nextcloud-sign-in', username: account };
      access = { url, auth: { kind: 'bearer', token } };
    } else {
      stored = { kind: 'app-password', username: input.username, password: input.appPassword };
      access = { url, auth: { kind: 'basic', username: input.username, password: input.appPassword } };
    }
    try {
      await this.deps.server.books(access);
    } catch (err) {
      if (err instanceof CardDavRefusedError) throw new CredentialsRefusedError();
      if (err instanceof CardDavUnreachableError) throw new AddressBookUnreachableError('unreachable');
      if (err instanceof CardDavServerError) throw new AddressBookUnreachableError('server_error');
      throw err;
    }
    await this.running.get(userId)?.catch(() => undefined);
    await this.deps.repo.connect(userId, await sealCredentials(this.deps.keys, userId, stored));
    await this.sync(userId);
    return this.status(userId);
  }

  async disconnect(userId: string): Promise<void> {
    if (!(await this.deps.repo.disconnect(userId))) throw new NotFoundError('Address book connection');
  }

  /** Sync now (joining one under way) and answer how it went. */
  async syncNow(userId: string): Promise<AddressBookStatusItem> {
    this.requireUrl();
    if (!(await this.deps.repo.connection(userId))) throw new NotFoundError('Address book connection');
    await this.sync(userId);
    return this.status(userId);
  }

  /** Syncs one user's books; a failure is recorded on their connection, never thrown. */
  sync(userId: string): Promise<void> {
    const under = this.running.get(userId);
    if (under) return under;
    const run = this.syncOnce(userId).finally(() => this.running.delete(userId));
    this.running.set(userId, run);
    return run;
  }

  /** Every connected user, `concurrency` at a time (the background refresh). */
  async syncAll(concurrency = 4): Promise<void> {
    if (!this.available) return;
    const queue = await this.deps.repo.connectedUsers();
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await this.sync(id);
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  }

  /** The user's Nextcloud contacts by name, narrowed to those whose name, organisation or number matches `q`. */
  async list(userId: string, query: { q?: string | undefined; limit: number }): Promise<NextcloudContactItem[]> {
    const all = await this.openAll(await this.deps.repo.cardsOf(userId));
    const matches = query.q ? await this.matcher(userId, query.q) : () => true;
    return all.filter(matches).sort(byName).slice(0, query.limit);
  }

  /** The name the user's Nextcloud contacts give each of these E.164 numbers; numbers they do not know are left out. */
  async lookup(userId: string, e164s: string[]): Promise<Record<string, string>> {
    if (e164s.length === 0) return {};
    const wanted = new Set(e164s);
    const found = (await this.openAll(await this.deps.repo.withAnyNumber(userId, e164s.map((e) => this.deps.index.of(e))))).sort(byName);
    const names: Record<string, string> = {};
    for (const c of found) for (const n of c.numbers) if (n.number && wanted.has(n.number) && !(n.number in names)) names[n.number] = c.displayName;
    return names;
  }

  /** Everything held for the data export, opened: the connection (without the password) and every card. */
  async allOf(userId: string): Promise<{ connection: { username: string | null; connectedAt: Date; lastSyncedAt: Date | null } | null; contacts: NextcloudContactItem[] }> {
    const row = await this.deps.repo.connection(userId);
    if (!row) return { connection: null, contacts: [] };
    const creds = await openCredentials(this.deps.keys, userId, row.credentials_enc);
    const contacts = (await this.openAll(await this.deps.repo.cardsOf(userId))).sort(byName);
    return { connection: { username: creds?.username ?? null, connectedAt: row.created_at, lastSyncedAt: row.last_synced_at }, contacts };
  }

  /** Erasure: the connection goes with its books and cards, so no later sync writes under a new key. */
  async forget(userId: string): Promise<void> {
    // A sync under way can write nothing after this: its books and cards hang off the connection row.
    await this.deps.repo.disconnect(userId);
    await this.running.get(userId)?.catch(() => undefined);
  }

  private requireUrl(): string {
    if (!this.deps.url) throw new ServiceUnavailableError('No Nextcloud address books are offered here (CARDDAV_URL is not set)', 'nextcloud_contacts_unavailable');
    return this.deps.url;
  }

  private async syncOnce(userId: string): Promise<void> {
    const access = await this.credentials?.forUser(userId);
    if (!access) {
      // Connected with a sign-in whose token is gone (unlinked, refused by Nextcloud): say so in Settings.
      if (await this.deps.repo.connection(userId)) await this.deps.repo.recordFailure(userId, 'credentials_refused', this.now());
      return;
    }
    try {
      const country = (await this.deps.users.findById(userId))?.defaultCountry ?? this.deps.defaultCountry;
      const remote = await this.deps.server.books(access);
      const kept: string[] = [];
      for (const book of remote) {
        const urlIdx = this.deps.index.ofText('carddav-book', book.url);
        const row = await this.deps.repo.ensureBook(userId, urlIdx, await this.deps.keys.seal(ownerOfUser(userId), book.url, bookField(userId, urlIdx)));
        if (!row) return; // disconnected meanwhile
        kept.push(row.id);
        await this.syncBook(access, row, book, country);
      }
      await this.deps.repo.keepOnlyBooks(userId, kept);
      await this.deps.repo.recordSynced(userId, this.now());
    } catch (err) {
      const code: AddressBookSyncError | null =
        err instanceof CardDavRefusedError ? 'credentials_refused' : err instanceof CardDavUnreachableError ? 'unreachable' : err instanceof CardDavServerError ? 'server_error' : null;
      if (!(await this.deps.repo.connection(userId))) return; // disconnected or erased while syncing: nothing to tell
      this.deps.log.warn({ err: code === null ? err : undefined, user: userId, reason: code ?? 'internal' }, 'syncing a Nextcloud address book failed');
      await this.deps.repo.recordFailure(userId, code ?? 'server_error', this.now());
    }
  }

  /** One book: by sync token when the server has sync-collection, else by comparing every card's ETag; cards gone are deleted. */
  private async syncBook(access: DavAccess, row: BookRow, book: RemoteBook, country: string): Promise<void> {
    const hash = (href: string) => this.deps.index.ofText('carddav-card', href);
    let listed: RemoteCardRef[];
    let deleted: string[] = [];
    let full: boolean;
    let syncToken: string | null = null;
    if (book.supportsSync) {
      let changes = await this.deps.server.changesSince(access, book, row.sync_token);
      full = row.sync_token === null;
      if (changes.kind === 'token_invalid') {
        changes = await this.deps.server.changesSince(access, book, null);
        full = true;
      }
      if (changes.kind === 'token_invalid') throw new CardDavServerError('sync-collection refused a sync without a token');
      ({ changed: listed, deleted, syncToken } = changes);
    } else {
      if (row.ctag !== null && row.ctag === book.ctag) return;
      listed = await this.deps.server.listing(access, book);
      full = true;
    }
    const stored = await this.deps.repo.etags(row.id);
    const wanted = listed.filter((c) => c.etag === null || stored.get(hash(c.href)) !== c.etag).map((c) => c.href);
    const fetched = wanted.length > 0 ? await this.deps.server.cards(access, book, wanted) : [];
    const upserts = await Promise.all(fetched.map((c) => this.sealCard(row, hash(c.href), c.etag, c.data, country)));
    await this.deps.repo.applyChanges(row, {
      upserts: upserts.filter((u): u is SealedCard => u !== null),
      deletes: deleted.map(hash),
      ...(full ? { exactly: listed.map((c) => hash(c.href)) } : {}),
      syncToken,
      ctag: book.ctag,
    });
  }

  private async sealCard(book: BookRow, hrefIdx: string, etag: string | null, data: string, country: string): Promise<SealedCard | null> {
    const card = parseVCard(data);
    if (!card) return null;
    const numbers: CardNumber[] = card.tels.map((t) => ({ label: t.label, typed: t.typed, number: normalise(t.typed, country), extension: t.extension }));
    const name = card.displayName ?? numbers[0]?.typed ?? '';
    const owner = ownerOfUser(book.user_id);
    const [name_enc, organisation_enc, numbers_enc] = await Promise.all([
      this.deps.keys.seal(owner, name, cardField(book.id, hrefIdx, 'name_enc')),
      card.organisation === null ? Promise.resolve(null) : this.deps.keys.seal(owner, card.organisation, cardField(book.id, hrefIdx, 'organisation_enc')),
      this.deps.keys.seal(owner, JSON.stringify(numbers), cardField(book.id, hrefIdx, 'numbers_enc')),
    ]);
    const number_idx = [...new Set(numbers.flatMap((n) => (n.number ? [this.deps.index.of(n.number)] : [])))];
    return { href_idx: hrefIdx, etag, name_enc, organisation_enc, numbers_enc, number_idx };
  }

  private async open(r: CardRow): Promise<NextcloudContactItem | null> {
    const ctx = (column: string) => cardField(r.book_id, r.href_idx, column);
    const [name, organisation, numbers] = await Promise.all([
      this.deps.keys.open(r.name_enc, ctx('name_enc')),
      r.organisation_enc === null ? Promise.resolve(null) : this.deps.keys.open(r.organisation_enc, ctx('organisation_enc')),
      this.deps.keys.open(r.numbers_enc, ctx('numbers_enc')),
    ]);
    if (name === null || numbers === null) return null;
    return { id: r.id, displayName: name, organisation, numbers: JSON.parse(numbers) as CardNumber[] };
  }

  private async openAll(rows: CardRow[]): Promise<NextcloudContactItem[]> {
    return (await Promise.all(rows.map((r) => this.open(r)))).filter((c): c is NextcloudContactItem => c !== null);
  }

  /** Name or organisation containing the words; or a number containing the digits, or equal to the number as the user's country reads it. */
  private async matcher(userId: string, q: string): Promise<(c: NextcloudContactItem) => boolean> {
    const text = q.toLocaleLowerCase();
    const digits = q.replace(/[\s().\-/]/g, '');
    const isNumber = /^\+?[0-9]{3,}$/.test(digits);
    const asNumber = isNumber ? normalise(digits, (await this.deps.users.findById(userId))?.defaultCountry ?? this.deps.defaultCountry) : null;
    const bare = isNumber ? digits.replace(/^\+/, '') : null;
    return (c) =>
      c.displayName.toLocaleLowerCase().includes(text) ||
      (c.organisation?.toLocaleLowerCase().includes(text) ?? false) ||
      c.numbers.some((n) => (n.number !== null && (n.number === asNumber || (bare !== null && n.number.includes(bare)))) || (bare !== null && n.typed.replace(/\D/g, '').includes(bare)));
  }
}

export type NextcloudContactItem = NextcloudContact;

function normalise(number: string, defaultCountry: string): string | null {
  const c = classify(number, { defaultCountry, emergencyNumbers: [], isExtension: () => false });
  return c.kind === 'e164' ? c.e164 : null;
}

function byName(a: NextcloudContactItem, b: NextcloudContactItem): number {
  return collator.compare(a.displayName, b.displayName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

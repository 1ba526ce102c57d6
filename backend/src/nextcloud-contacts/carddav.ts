// The CardDAV side, over tsdav: find a user's address books (current-user-
// principal → addressbook-home-set), ask what changed (RFC 6578 sync-collection
// where the server has it, else every card's ETag), and fetch the cards that
// did. Every request is signed by one fetch wrapper that also sets a timeout
// and turns a refused sign-in into CardDavRefusedError, whatever tsdav makes of it.
import { addressBookMultiGet, addressBookQuery, createAccount, fetchAddressBooks, syncCollection } from 'tsdav';

/** How requests to the CardDAV server are signed: an app password, or a Nextcloud OAuth2 access token. */
export type DavAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface DavAccess {
  /** The DAV root discovery starts from. */
  url: string;
  auth: DavAuth;
}

export interface RemoteBook {
  url: string;
  syncToken: string | null;
  ctag: string | null;
  /** Whether the server offers RFC 6578 sync-collection on it. */
  supportsSync: boolean;
}

export interface RemoteCardRef {
  /** Absolute URL of the card. */
  href: string;
  etag: string | null;
}

export type Changes = { kind: 'changes'; changed: RemoteCardRef[]; deleted: string[]; syncToken: string | null } | { kind: 'token_invalid' };

export interface CardDavServer {
  books(access: DavAccess): Promise<RemoteBook[]>;
  /** What changed since `syncToken` (everything when null). */
  changesSince(access: DavAccess, book: RemoteBook, syncToken: string | null): Promise<Changes>;
  /** Every card's href and ETag (for servers without sync-collection). */
  listing(access: DavAccess, book: RemoteBook): Promise<RemoteCardRef[]>;
  /** The cards' vCard text, by href; a card gone meanwhile is left out. */
  cards(access: DavAccess, book: RemoteBook, hrefs: string[]): Promise<Array<RemoteCardRef & { data: string }>>;
}

/** The server refused the credentials (401): a wrong or revoked app password, an expired token. */
export class CardDavRefusedError extends Error {
  readonly code = 'credentials_refused';
  constructor() {
    super('The CardDAV server refused the credentials');
  }
}

/** The server could not be reached or did not answer in time. */
export class CardDavUnreachableError extends Error {
  readonly code = 'unreachable';
}

/** The server answered, but not as CardDAV does. */
export class CardDavServerError extends Error {
  readonly code = 'server_error';
}

const MULTIGET_BATCH = 100;
const MAX_CARDS_PER_BOOK = 20_000;

export interface TsdavServerOptions {
  /** Per request (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export class TsdavCardDavServer implements CardDavServer {
  constructor(private readonly options: TsdavServerOptions = {}) {}

  async books(access: DavAccess): Promise<RemoteBook[]> {
    const fetch = this.signed(access);
    const account = await guard(() => createAccount({ account: { serverUrl: access.url, accountType: 'carddav' }, loadCollections: false, fetch }));
    if (!account.homeUrl) throw new CardDavServerError('The server names no address book home for this user');
    const books = await guard(() => fetchAddressBooks({ account, fetch }));
    return books.map((b) => ({
      url: b.url,
      syncToken: typeof b.syncToken === 'string' ? b.syncToken : null,
      ctag: typeof b.ctag === 'string' ? b.ctag : null,
      supportsSync: Array.isArray(b.reports) && (b.reports as unknown[]).includes('syncCollection'),
    }));
  }

  async changesSince(access: DavAccess, book: RemoteBook, syncToken: string | null): Promise<Changes> {
    const fetch = this.signed(access);
    const responses = await guard(() => syncCollection({ url: book.url, props: { 'd:getetag': {} }, syncLevel: 1, ...(syncToken ? { syncToken } : {}), fetch }));
    const whole = responses[0];
    // A token the server no longer knows: 403/409 with DAV:valid-sync-token (RFC 6578 §3.2).
    if (syncToken && whole && !whole.ok && (whole.status === 403 || whole.status === 409 || whole.status === 400) && responses.length === 1) return { kind: 'token_invalid' };
    if (whole && whole.status >= 400 && responses.length === 1 && !('props' in whole)) throw new CardDavServerError(`sync-collection answered ${whole.status}`);
    const changed: RemoteCardRef[] = [];
    const deleted: string[] = [];
    for (const r of responses) {
      if (!r.href) continue;
      const href = new URL(r.href, book.url).href;
      if (href === book.url) continue;
      if (r.status === 404) deleted.push(href);
      else if (r.ok) changed.push({ href, etag: etagOf(r.props) });
    }
    if (changed.length > MAX_CARDS_PER_BOOK) throw new CardDavServerError(`An address book of more than ${MAX_CARDS_PER_BOOK} cards`);
    const raw = responses[0]?.raw as { multistatus?: { syncToken?: unknown } } | undefined;
    const token = raw?.multistatus?.syncToken;
    return { kind: 'changes', changed, deleted, syncToken: typeof token === 'string' ? token : null };
  }

  async listing(access: DavAccess, book: RemoteBook): Promise<RemoteCardRef[]> {
    const fetch = this.signed(access);
    const responses = await guard(() => addressBookQuery({ url: book.url, props: { 'd:getetag': {} }, depth: '1', fetch }));
    const refs = responses.filter((r) => r.href && r.ok).map((r) => ({ href: new URL(r.href!, book.url).href, etag: etagOf(r.props) })).filter((r) => r.href !== book.url);
    if (refs.length > MAX_CARDS_PER_BOOK) throw new CardDavServerError(`An address book of more than ${MAX_CARDS_PER_BOOK} cards`);
    return refs;
  }

  async cards(access: DavAccess, book: RemoteBook, hrefs: string[]): Promise<Array<RemoteCardRef & { data: string }>> {
    const fetch = this.signed(access);
    const out: Array<RemoteCardRef & { data: string }> = [];
    for (let i = 0; i < hrefs.length; i += MULTIGET_BATCH) {
      const batch = hrefs.slice(i, i + MULTIGET_BATCH).map((h) => new URL(h).pathname);
      const responses = await guard(() => addressBookMultiGet({ url: book.url, props: { 'd:getetag': {}, 'card:address-data': {} }, objectUrls: batch, depth: '1', fetch }));
      for (const r of responses) {
        const data: unknown = r.props?.['addressData'];
        if (!r.href || !r.ok) continue;
        const text = typeof data === 'string' ? data : typeof (data as { _cdata?: unknown } | undefined)?._cdata === 'string' ? (data as { _cdata: string })._cdata : null;
        if (text !== null) out.push({ href: new URL(r.href, book.url).href, etag: etagOf(r.props), data: text });
      }
    }
    return out;
  }

  /** fetch, signed for this access, with a timeout; 401 throws, and so does a network failure. */
  private signed(access: DavAccess): typeof globalThis.fetch {
    const base = this.options.fetch ?? globalThis.fetch;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const authorization = access.auth.kind === 'basic' ? `Basic ${Buffer.from(`${access.auth.username}:${access.auth.password}`).toString('base64')}` : `Bearer ${access.auth.token}`;
    return async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', authorization);
      let res: Response;
      try {
        res = await base(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new CardDavUnreachableError(`The CardDAV server could not be reached: ${(err as Error).message}`);
      }
      if (res.status === 401) throw new CardDavRefusedError();
      if (res.status >= 500) throw new CardDavServerError(`The CardDAV server answered ${res.status}`);
      return res;
    };
  }
}

function etagOf(props: Record<string, unknown> | undefined): string | null {
  const e = props?.['getetag'];
  return typeof e === 'string' ? e : typeof e === 'number' ? String(e) : null;
}

/** Our own errors pass; whatever else tsdav throws is the server not speaking CardDAV as expected. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CardDavRefusedError || err instanceof CardDavUnreachableError || err instanceof CardDavServerError) throw err;
    throw new CardDavServerError(`The CardDAV server's answer was not understood: ${(err as Error).message}`);
  }
}

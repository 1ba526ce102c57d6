// SIPCall, as the Nextcloud user of this page: the app's token endpoint gives
// a one-minute assertion (CSRF-checked, same origin), SIPCall exchanges it for
// an access token, and the same is done again before that token runs out or
// when SIPCall says it has. No cookie crosses to SIPCall (credentials are
// omitted), so the session lives exactly as long as the Nextcloud one does:
// a signed-out Nextcloud gives no more assertions. The tab keeps the access
// token while it lives (sessionStorage, this tab only), so moving from Files
// to Talk does not sign in anew on every page.
import { getRequestToken } from '@nextcloud/auth';
import type { Session, User } from '@sipcall/contract';
import type { AppConfig } from './config';

/** Renew this long before the access token would expire. */
const RENEW_EARLY_MS = 30_000;

export class SipcallError extends Error {
  constructor(
    /** The HTTP status, or 0 when SIPCall (or Nextcloud) could not be reached. */
    readonly status: number,
    /** SIPCall's error code (invalid_assertion, email_taken…), or where it went wrong: `token` for Nextcloud's side. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

async function reasonOf(response: Response): Promise<{ code: string | null; message: string | null }> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string }; message?: string } | null;
  return { code: body?.error?.code ?? null, message: body?.error?.message ?? body?.message ?? null };
}

interface Kept {
  accessToken: string;
  renewAt: number;
  user: User;
}

export class SipcallSession {
  private accessToken: string | null = null;
  private renewAt = 0;
  private signingIn: Promise<void> | null = null;
  user: User | null = null;

  constructor(
    private readonly config: Pick<AppConfig, 'sipcallUrl' | 'tokenUrl'>,
    private readonly http: Fetch = (input, init) => fetch(input, init),
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = globalThis.sessionStorage ?? null,
  ) {
    const kept = this.read();
    if (kept) ({ accessToken: this.accessToken, renewAt: this.renewAt, user: this.user } = kept);
  }

  /** Where this tab keeps its session: one per SIPCall and Nextcloud user (another user signing in in this tab starts afresh). */
  private get key(): string {
    return `sipcall-session:${this.config.sipcallUrl}`;
  }

  private read(): Kept | null {
    try {
      const kept = JSON.parse(this.storage?.getItem(this.key) ?? 'null') as Partial<Kept> | null;
      const viewer = document.head?.dataset['user'];
      if (typeof kept?.accessToken !== 'string' || typeof kept.renewAt !== 'number' || !kept.user || kept.renewAt <= Date.now()) return null;
      // Kept for another Nextcloud user of this tab (signed out, someone else signed in): not theirs.
      if (viewer !== undefined && (kept as { viewer?: string }).viewer !== viewer) return null;
      return kept as Kept;
    } catch {
      return null;
    }
  }

  private keep(): void {
    try {
      if (this.accessToken && this.user) this.storage?.setItem(this.key, JSON.stringify({ accessToken: this.accessToken, renewAt: this.renewAt, user: this.user, viewer: document.head?.dataset['user'] }));
    } catch {
      // Storage full or refused: the next page signs in again.
    }
  }

  /** Signs in (again, when `fresh`) unless a good access token is at hand; callers at once share one exchange. */
  async signIn(fresh = false): Promise<User> {
    if (fresh || !this.accessToken || Date.now() >= this.renewAt) {
      this.signingIn ??= this.exchange().finally(() => (this.signingIn = null));
      await this.signingIn;
    }
    return this.user as User;
  }

  /** A request to SIPCall's API with the access token; one fresh sign-in when SIPCall no longer takes it. */
  async api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    await this.signIn();
    let response = await this.send(path, init);
    if (response.status === 401) {
      await this.signIn(true);
      response = await this.send(path, init);
    }
    if (!response.ok) {
      const { code, message } = await reasonOf(response);
      throw new SipcallError(response.status, code ?? 'http', message ?? `SIPCall answered ${response.status}`);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private send(path: string, init: { method?: string; body?: unknown }): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${this.accessToken ?? ''}` };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    return this.reach(`${this.config.sipcallUrl}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'omit',
    });
  }

  private async exchange(): Promise<void> {
    const token = await this.reach(this.config.tokenUrl, { credentials: 'same-origin', headers: { Accept: 'application/json', requesttoken: getRequestToken() ?? '' } });
    if (!token.ok) {
      const { message } = await reasonOf(token);
      throw new SipcallError(token.status, 'token', message ?? `Nextcloud gave no token (${token.status})`);
    }
    const { assertion } = (await token.json()) as { assertion: string };
    const response = await this.reach(`${this.config.sipcallUrl}/api/auth/nextcloud/assertion`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ assertion }),
      credentials: 'omit',
    });
    if (!response.ok) {
      const { code, message } = await reasonOf(response);
      throw new SipcallError(response.status, code ?? 'http', message ?? `SIPCall refused the sign-in (${response.status})`);
    }
    const session = (await response.json()) as Session;
    this.accessToken = session.accessToken;
    this.renewAt = Date.now() + Math.max(0, session.expiresIn * 1000 - RENEW_EARLY_MS);
    this.user = session.user;
    this.keep();
  }

  /** fetch, with a network failure (SIPCall down, refused by the page's policy, a bad certificate) as status 0. */
  private async reach(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.http(url, init);
    } catch {
      throw new SipcallError(0, 'unreachable', `${new URL(url, location.href).origin} could not be reached`);
    }
  }
}

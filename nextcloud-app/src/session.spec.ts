// The page's way into SIPCall: an assertion from the app's token endpoint
// (with Nextcloud's request token, as its CSRF check wants), exchanged at
// SIPCall for an access token, which every API call carries; renewed the
// same way when SIPCall no longer takes it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SipcallError, SipcallSession } from './session';

const SIPCALL = 'https://sipcall.example.org';
const user = { id: 'u1', email: 'nora@example.com', displayName: 'Nora', role: 'user', defaultCountry: 'DE' };

interface Seen {
  url: string;
  init: RequestInit;
}

function server(answers: { token?: () => Response; exchange?: () => Response; api?: (auth: string) => Response }) {
  const seen: Seen[] = [];
  let issued = 0;
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const http = async (url: string, init: RequestInit = {}) => {
    seen.push({ url, init });
    if (url === '/apps/sipcall/api/v1/token') return answers.token?.() ?? json({ assertion: `assertion-${++issued}`, expiresIn: 60 });
    if (url === `${SIPCALL}/api/auth/nextcloud/assertion`) {
      const { assertion } = JSON.parse(init.body as string) as { assertion: string };
      return answers.exchange?.() ?? json({ user, accessToken: `token-for-${assertion}`, tokenType: 'Bearer', expiresIn: 900 });
    }
    const auth = new Headers(init.headers).get('Authorization') ?? '';
    return answers.api?.(auth) ?? json({ ok: true, auth });
  };
  return { http, seen };
}

describe('SipcallSession', () => {
  beforeEach(() => {
    document.head.dataset['requesttoken'] = 'csrf-token-of-the-page';
    sessionStorage.clear();
  });
  afterEach(() => {
    delete document.head.dataset['requesttoken'];
  });

  it('signs in with an assertion fetched with the page’s request token, sending no cookie to SIPCall', async () => {
    const s = server({});
    const session = new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, s.http);
    expect(await session.signIn()).toMatchObject({ email: 'nora@example.com' });
    const [token, exchange] = s.seen;
    expect(new Headers(token!.init.headers).get('requesttoken')).toBe('csrf-token-of-the-page');
    expect(token!.init.credentials).toBe('same-origin');
    expect(exchange!.init).toMatchObject({ method: 'POST', credentials: 'omit', body: JSON.stringify({ assertion: 'assertion-1' }) });
  });

  it('carries the access token, signs in once for callers at once, and again when SIPCall no longer takes it', async () => {
    let refuse = true;
    const s = server({ api: (auth) => (auth === 'Bearer token-for-assertion-1' && refuse ? new Response('{}', { status: 401 }) : new Response(JSON.stringify({ auth }), { status: 200 })) });
    const session = new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, s.http);
    await Promise.all([session.signIn(), session.signIn()]);
    expect(s.seen.filter((x) => x.url.endsWith('/assertion'))).toHaveLength(1);
    expect(await session.api('/api/me')).toEqual({ auth: 'Bearer token-for-assertion-2' });
    refuse = false;
    expect(await session.api('/api/me')).toEqual({ auth: 'Bearer token-for-assertion-2' });
    expect(s.seen.filter((x) => x.url.endsWith('/assertion'))).toHaveLength(2);
    expect(s.seen.find((x) => x.url === `${SIPCALL}/api/me`)!.init.credentials).toBe('omit');
  });

  it('keeps the session for the next page of this tab, and not for another Nextcloud user of it', async () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v), removeItem: (k: string) => void kept.delete(k) };
    document.head.dataset['user'] = 'nora';
    const first = server({});
    await new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, first.http, storage).signIn();
    // The next page: the same tab, the same user — no new sign-in.
    const next = server({});
    const again = new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, next.http, storage);
    expect(await again.signIn()).toMatchObject({ email: 'nora@example.com' });
    expect(await again.api('/api/me')).toEqual({ ok: true, auth: 'Bearer token-for-assertion-1' });
    expect(next.seen.filter((x) => x.url.endsWith('/assertion'))).toHaveLength(0);
    // Someone else signed in to Nextcloud in this tab: theirs is their own.
    document.head.dataset['user'] = 'otto';
    const other = server({});
    await new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, other.http, storage).signIn();
    expect(other.seen.filter((x) => x.url.endsWith('/assertion'))).toHaveLength(1);
    delete document.head.dataset['user'];
  });

  it('says why when Nextcloud gives no token, SIPCall refuses, or cannot be reached', async () => {
    const refusedToken = server({ token: () => new Response(JSON.stringify({ message: 'You are not allowed to use SIPCall' }), { status: 403 }) });
    await expect(new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, refusedToken.http).signIn()).rejects.toMatchObject({ status: 403, code: 'token', message: 'You are not allowed to use SIPCall' });

    const refused = server({ exchange: () => new Response(JSON.stringify({ error: { code: 'invalid_assertion', message: 'The assertion was not accepted' } }), { status: 401 }) });
    await expect(new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, refused.http).signIn()).rejects.toMatchObject({ status: 401, code: 'invalid_assertion' });

    const down = new SipcallSession({ sipcallUrl: SIPCALL, tokenUrl: '/apps/sipcall/api/v1/token' }, async (url) => {
      if (url.startsWith(SIPCALL)) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify({ assertion: 'a', expiresIn: 60 }), { status: 200 });
    });
    const error = await down.signIn().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SipcallError);
    expect(error).toMatchObject({ status: 0, code: 'unreachable', message: 'https://sipcall.example.org could not be reached' });
  });
});

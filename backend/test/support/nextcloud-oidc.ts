// A real OpenID Connect provider (panva's oidc-provider, certified) standing
// in for Nextcloud's OpenID Connect provider app: discovery at the issuer's
// /.well-known/openid-configuration, authorization code with PKCE S256, a
// signed ID token, user info with the `groups` claim, rotating refresh
// tokens. Its login and consent pages are answered by the test: who signs in,
// or that the person says no. An account disabled or deleted "in Nextcloud"
// stops its refresh tokens working, as the app does when a user goes.
import { createServer, type Server } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export const CLIENT_ID = 'sipcall';
export const CLIENT_SECRET = 'nextcloud-oidc-client-secret-for-tests-only';

export interface NextcloudUser {
  name: string;
  email: string | null;
  groups: string[];
  disabled?: boolean;
}

export interface OidcPeer {
  url: string;
  users: Map<string, NextcloudUser>;
  /** Who signs in at the next login page; null: the person refuses consent. */
  signInAs(userId: string | null): void;
  /** Nextcloud down: every request answers 503 until undone. */
  down(isDown: boolean): void;
  close(): Promise<void>;
}

export async function startOidcPeer(redirectUri: string): Promise<OidcPeer> {
  const users = new Map<string, NextcloudUser>();
  let next: string | null = null;
  let isDown = false;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' };

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const provider = new Provider(url, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys: [jwk] },
    cookies: { keys: ['oidc-peer-cookie-key-for-tests'] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 86_400, Interaction: 600, Session: 3600, Grant: 86_400 },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const user = users.get(sub);
      if (!user || user.disabled) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, name: user.name, preferred_username: sub, email: user.email ?? undefined, groups: user.groups };
        },
      };
    },
  });
  provider.proxy = false;
  const callback = provider.callback();

  server.on('request', (req, res) => {
    if (isDown) {
      res.writeHead(503).end('down');
      return;
    }
    const path = (req.url ?? '').split('?')[0]!;
    if (!path.startsWith('/interaction/')) {
      void callback(req, res);
      return;
    }
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (next === null) {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person did not allow it' }, { mergeWithLastSubmission: false });
        return;
      }
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: next } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: CLIENT_ID });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });

  return {
    url,
    users,
    signInAs(userId) {
      next = userId;
    },
    down(value) {
      isDown = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A browser's part of the redirects: follows them (with a cookie jar per
 * host) from `start` until one points at `until`, and returns that address.
 */
export async function followRedirects(start: string, until: string, jar: Map<string, string[]> = new Map()): Promise<URL> {
  let at = new URL(start);
  for (let hop = 0; hop < 20; hop++) {
    if (at.href.startsWith(until)) return at;
    const cookies = jar.get(at.host) ?? [];
    const res = await fetch(at, { redirect: 'manual', headers: cookies.length ? { cookie: cookies.join('; ') } : {} });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (set.length) {
      const byName = new Map(cookies.map((c) => [c.split('=')[0]!, c]));
      for (const c of set) byName.set(c.split('=')[0]!, c);
      jar.set(at.host, [...byName.values()]);
    }
    const location = res.headers.get('location');
    if (location === null) throw new Error(`no redirect from ${at.href} (${res.status}): ${(await res.text()).slice(0, 200)}`);
    at = new URL(location, at);
  }
  throw new Error('too many redirects');
}

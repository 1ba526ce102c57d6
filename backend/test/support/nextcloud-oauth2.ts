// A double of Nextcloud's built-in OAuth2 app (apps/oauth2) and the OCS user
// endpoint, as Nextcloud documents and answers them: GET
// /index.php/apps/oauth2/authorize redirects back with `code` and `state`
// once the person granted access (or `error=access_denied`); POST
// /index.php/apps/oauth2/api/v1/token takes the client's id and secret in the
// body and answers { access_token, token_type: "Bearer", expires_in,
// refresh_token, user_id }, or 400 { error: "invalid_grant" } for a code or
// refresh token that is spent or unknown (refresh tokens rotate); GET
// /ocs/v2.php/cloud/user?format=json with the bearer token answers the
// account (id, displayname, email, groups, enabled), 401 for a token that is
// not (any longer) valid; and /remote.php/dav/ takes the same bearer token
// (Nextcloud's DAV accepts its OAuth2 tokens) — here in front of a real
// CardDAV server (Radicale, told its prefix by X-Script-Name as behind any
// reverse proxy), signing in there as the token's user. It is not Nextcloud;
// it behaves like it at these addresses.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { NextcloudUser } from './nextcloud-oidc.js';

export const OAUTH2_CLIENT_ID = 'sipcall-oauth2-client-identifier-0123456789abcdef0123456789abcdef';
export const OAUTH2_CLIENT_SECRET = 'nextcloud-oauth2-client-secret-for-tests-only-0123456789abcdef';

export interface OAuth2Peer {
  url: string;
  users: Map<string, NextcloudUser>;
  signInAs(userId: string | null): void;
  close(): Promise<void>;
}

export interface DavBehind {
  /** The CardDAV server's root. */
  url: string;
  /** The password the token's user has there. */
  passwordOf(userId: string): string | undefined;
}

export async function startOAuth2Peer(redirectUri: string, dav?: DavBehind): Promise<OAuth2Peer> {
  const users = new Map<string, NextcloudUser>();
  let next: string | null = null;
  const codes = new Map<string, string>();
  const refreshTokens = new Map<string, string>();
  const accessTokens = new Map<string, string>();
  const token = () => randomBytes(32).toString('hex');
  const issue = (userId: string) => {
    const access = token();
    const refresh = token();
    accessTokens.set(access, userId);
    refreshTokens.set(refresh, userId);
    return { access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, user_id: userId };
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://peer');
    if (req.method === 'GET' && u.pathname === '/index.php/apps/oauth2/authorize') {
      const back = new URL(u.searchParams.get('redirect_uri') ?? '');
      if (u.searchParams.get('client_id') !== OAUTH2_CLIENT_ID || back.href !== redirectUri) return void res.writeHead(400).end('unknown client');
      const state = u.searchParams.get('state');
      if (state !== null) back.searchParams.set('state', state);
      if (next === null) back.searchParams.set('error', 'access_denied');
      else {
        const code = token();
        codes.set(code, next);
        back.searchParams.set('code', code);
      }
      return void res.writeHead(303, { location: back.href }).end();
    }
    if (req.method === 'POST' && u.pathname === '/index.php/apps/oauth2/api/v1/token') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const p = new URLSearchParams(body);
        if (p.get('client_id') !== OAUTH2_CLIENT_ID || p.get('client_secret') !== OAUTH2_CLIENT_SECRET) return json(res, 400, { error: 'invalid_client' });
        const store = p.get('grant_type') === 'authorization_code' ? codes : p.get('grant_type') === 'refresh_token' ? refreshTokens : null;
        const presented = p.get('grant_type') === 'authorization_code' ? p.get('code') : p.get('refresh_token');
        const userId = store && presented ? store.get(presented) : undefined;
        if (!store || !presented || userId === undefined) return json(res, 400, { error: 'invalid_grant' });
        store.delete(presented);
        const user = users.get(userId);
        if (!user) return json(res, 400, { error: 'invalid_grant' });
        json(res, 200, issue(userId));
      });
      return;
    }
    if (dav && (u.pathname === '/remote.php/dav' || u.pathname.startsWith('/remote.php/dav/'))) {
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const userId = bearer ? accessTokens.get(bearer) : undefined;
      const password = userId ? dav.passwordOf(userId) : undefined;
      if (!userId || password === undefined) return void res.writeHead(401, { 'www-authenticate': 'Bearer realm="Nextcloud"' }).end();
      const target = new URL(dav.url);
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: (u.pathname.slice('/remote.php/dav'.length) || '/') + u.search, headers: { ...req.headers, host: target.host, authorization: `Basic ${Buffer.from(`${userId}:${password}`).toString('base64')}`, 'x-script-name': '/remote.php/dav' } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
      return;
    }
    if (req.method === 'GET' && u.pathname === '/ocs/v2.php/cloud/user') {
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const userId = bearer ? accessTokens.get(bearer) : undefined;
      const user = userId ? users.get(userId) : undefined;
      if (!userId || !user || user.disabled || req.headers['ocs-apirequest'] !== 'true') return json(res, 401, { ocs: { meta: { status: 'failure', statuscode: 997, message: 'Current user is not logged in' }, data: [] } });
      return json(res, 200, { ocs: { meta: { status: 'ok', statuscode: 200, message: 'OK' }, data: { enabled: true, id: userId, email: user.email, displayname: user.name, groups: user.groups } } });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    users,
    signInAs(userId) {
      next = userId;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

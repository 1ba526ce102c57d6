// Sign-in with Nextcloud, against a real OpenID Connect provider (standing in
// for Nextcloud's OpenID Connect provider app) and a double of Nextcloud's
// built-in OAuth2 app: the redirect with state, nonce and PKCE, the callback
// checked, the session that follows; every failure back on the login page
// with its reason and nothing changed; accounts linked by issuer and subject,
// never by email; the admin group at every sign-in; the recheck that ends an
// account's sessions when Nextcloud no longer lets it sign in; PASSWORD_LOGIN.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { CLIENT_ID, CLIENT_SECRET, followRedirects, startOidcPeer, type OidcPeer } from './support/nextcloud-oidc.js';
import { OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET, startOAuth2Peer, type OAuth2Peer } from './support/nextcloud-oauth2.js';
import { radicaleBinary, startRadicale, type Radicale } from './support/radicale.js';

const PUBLIC_URL = 'http://127.0.0.1:9';
const CALLBACK = `${PUBLIC_URL}/api/auth/nextcloud/callback`;
const PASSWORD = 'correct horse battery staple';

const cookies = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
const cookieValue = (res: request.Response, name: string) => cookies(res).find((c) => c.startsWith(`${name}=`))?.split(';')[0];

/** The browser's whole trip: SIPCall's start, Nextcloud's pages, back to SIPCall's callback. */
async function signIn(t: TestApp, options: { start?: request.Response; tamper?: (u: URL) => void; withoutFlowCookie?: boolean } = {}) {
  const start = options.start ?? (await request(t.app).get('/api/auth/nextcloud/start').expect(303));
  const back = await followRedirects(String(start.headers.location), CALLBACK);
  options.tamper?.(back);
  const flow = cookieValue(start, 'sipcall_nextcloud');
  const callback = request(t.app).get(back.pathname + back.search);
  if (flow && !options.withoutFlowCookie) callback.set('Cookie', flow);
  const res = await callback.expect(303);
  return { res, back, flow: flow!, refresh: cookieValue(res, 'sipcall_refresh') };
}

const refresh = (t: TestApp, cookie: string | undefined) => request(t.app).post('/api/auth/refresh').set('Cookie', cookie ?? '').send({});
const userCount = async (t: TestApp) => t.services.users.count();
/** What a refused sign-in must not have made: users, sessions (refresh tokens), SIP credentials. */
const made = async (t: TestApp) => {
  const [row] = await t.db.dataSource.query<Array<Record<string, string>>>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM refresh_tokens) AS sessions, (SELECT count(*) FROM sip_credentials) AS sip, (SELECT count(*) FROM nextcloud_identities) AS links`,
  );
  return row;
};
const auditOf = async (t: TestApp, action: string) => (await t.services.audit.list({ limit: 50, action })).items;

describe('sign in with Nextcloud (OpenID Connect)', () => {
  let peer: OidcPeer;
  let t: TestApp;
  beforeAll(async () => {
    peer = await startOidcPeer(CALLBACK);
    t = await startTestApp({
      NEXTCLOUD_URL: peer.url,
      NEXTCLOUD_AUTH: 'oidc',
      NEXTCLOUD_CLIENT_ID: CLIENT_ID,
      NEXTCLOUD_CLIENT_SECRET: CLIENT_SECRET,
      NEXTCLOUD_ADMIN_GROUP: 'phone-admins',
      PUBLIC_URL,
    });
    await createUser(t, { email: 'root@example.com', role: 'admin', password: PASSWORD });
  });
  afterAll(async () => {
    await t.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.down(false);
    peer.users.clear();
    peer.users.set('alice', { name: 'Alice Liddell', email: 'alice@example.com', groups: ['staff'] });
    peer.users.set('bob', { name: 'Bob Builder', email: 'bob@example.com', groups: ['staff', 'phone-admins'] });
    peer.signInAs('alice');
  });

  it('says it is there, and starts with state, nonce and PKCE S256 at the discovered authorization endpoint', async () => {
    expect((await request(t.app).get('/api/auth/providers').expect(200)).body).toEqual({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: true });
    const start = await request(t.app).get('/api/auth/nextcloud/start').expect(303);
    const to = new URL(String(start.headers.location));
    expect(to.origin + to.pathname).toBe(`${peer.url}/auth`);
    expect(to.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(to.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['state', 'nonce', 'code_challenge']) expect(to.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const flow = cookies(start).find((c) => c.startsWith('sipcall_nextcloud='))!;
    expect(flow).toMatch(/HttpOnly/);
    expect(flow).toMatch(/SameSite=Lax/);
    expect(flow).toMatch(/Path=\/api\/auth\/nextcloud/);
  });

  it('first sign-in makes a user from Nextcloud’s account and ends in an ordinary session', async () => {
    const before = await userCount(t);
    const { res, refresh: cookie } = await signIn(t);
    expect(res.headers.location).toBe(`${PUBLIC_URL}/`);
    expect(cookie).toBeDefined();
    const session = await refresh(t, cookie).expect(200);
    expect(session.body.user).toMatchObject({ email: 'alice@example.com', displayName: 'Alice Liddell', role: 'user' });
    expect(await userCount(t)).toBe(before + 1);
    const link = await request(t.app).get('/api/auth/nextcloud/link').set('Authorization', `Bearer ${session.body.accessToken}`).expect(200);
    expect(link.body).toMatchObject({ linked: true, nextcloudUser: 'alice', hasPassword: false });
    expect((await auditOf(t, 'auth.login'))[0]).toMatchObject({ outcome: 'ok', details: { method: 'nextcloud' } });

    // The second time, the same user: linked by issuer and subject.
    const again = await signIn(t);
    expect((await refresh(t, again.refresh).expect(200)).body.user.id).toBe(session.body.user.id);
    expect(await userCount(t)).toBe(before + 1);
  });

  it('makes members of NEXTCLOUD_ADMIN_GROUP admins, and takes it back at the next sign-in when they leave it', async () => {
    peer.signInAs('bob');
    const first = await signIn(t);
    expect((await refresh(t, first.refresh).expect(200)).body.user.role).toBe('admin');
    peer.users.get('bob')!.groups = ['staff'];
    const second = await signIn(t);
    expect((await refresh(t, second.refresh).expect(200)).body.user.role).toBe('user');
  });

  it('a person who says no on Nextcloud’s page is back at the login page, told so, and nothing was made', async () => {
    peer.signInAs(null);
    const before = await made(t);
    const { res, refresh: cookie } = await signIn(t);
    expect(res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=denied`);
    expect(cookie).toBeUndefined();
    expect(await made(t)).toEqual(before);
    expect((await auditOf(t, 'auth.login'))[0]).toMatchObject({ outcome: 'denied', details: { method: 'nextcloud', reason: 'denied' } });
  });

  it('a callback without its flow, or a second time, is a lost flow; a changed state is refused; nothing is made', async () => {
    peer.users.set('carol', { name: 'Carol', email: 'carol@example.com', groups: [] });
    peer.signInAs('carol');
    const before = await made(t);
    const noCookie = await signIn(t, { withoutFlowCookie: true });
    expect(noCookie.res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=flow_lost`);

    const start = await request(t.app).get('/api/auth/nextcloud/start').expect(303);
    const tampered = await signIn(t, { start, tamper: (u) => u.searchParams.set('state', 'x'.repeat(43)) });
    expect(tampered.res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=refused`);
    // The same callback again, with its cookie: the flow was spent by the first.
    const replay = await request(t.app).get(tampered.back.pathname + tampered.back.search).set('Cookie', tampered.flow).expect(303);
    expect(replay.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=flow_lost`);
    const junk = await request(t.app).get('/api/auth/nextcloud/callback?code=' + 'x'.repeat(5000)).expect(303);
    expect(junk.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=refused`);
    expect(await made(t)).toEqual(before);
  });

  it('never takes over an account by its email, and needs one to make an account', async () => {
    await createUser(t, { email: 'dora@example.com', password: PASSWORD });
    peer.users.set('dora', { name: 'Dora', email: 'Dora@example.com', groups: [] });
    peer.users.set('eve', { name: 'Eve', email: null, groups: [] });
    const before = await made(t);
    peer.signInAs('dora');
    expect((await signIn(t)).res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=email_taken`);
    peer.signInAs('eve');
    expect((await signIn(t)).res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=no_email`);
    expect(await made(t)).toEqual(before);
  });

  it('links a local account from Settings; then Nextcloud signs in as it; unlinking needs a password of its own', async () => {
    const frank = await createUser(t, { email: 'frank@example.com', password: PASSWORD });
    peer.users.set('frank.nc', { name: 'Frank', email: 'frank@elsewhere.example', groups: [] });
    peer.signInAs('frank.nc');
    const login = await request(t.app).post('/api/auth/login').send({ email: 'frank@example.com', password: PASSWORD }).expect(200);
    const bearer = `Bearer ${login.body.accessToken}`;
    expect((await request(t.app).get('/api/auth/nextcloud/link').set('Authorization', bearer).expect(200)).body).toEqual({ linked: false, nextcloudUser: null, since: null, hasPassword: true });
    await request(t.app).post('/api/auth/nextcloud/link').set('Authorization', bearer).send({ junk: 1 }).expect(400);
    const start = await request(t.app).post('/api/auth/nextcloud/link').set('Authorization', bearer).send({}).expect(200);
    const linked = await signIn(t, { start: { headers: { location: start.body.authorizationUrl, 'set-cookie': start.headers['set-cookie'] } } as unknown as request.Response });
    expect(linked.res.headers.location).toBe(`${PUBLIC_URL}/settings?nextcloud_linked=1`);
    expect((await request(t.app).get('/api/auth/nextcloud/link').set('Authorization', bearer).expect(200)).body).toMatchObject({ linked: true, nextcloudUser: 'frank.nc' });
    expect((await refresh(t, (await signIn(t)).refresh).expect(200)).body.user.id).toBe(frank.id);

    // Someone else may not link the same Nextcloud account.
    await createUser(t, { email: 'gina@example.com', password: PASSWORD });
    const gina = await request(t.app).post('/api/auth/login').send({ email: 'gina@example.com', password: PASSWORD }).expect(200);
    const ginaStart = await request(t.app).post('/api/auth/nextcloud/link').set('Authorization', `Bearer ${gina.body.accessToken}`).send({}).expect(200);
    const refused = await signIn(t, { start: { headers: { location: ginaStart.body.authorizationUrl, 'set-cookie': ginaStart.headers['set-cookie'] } } as unknown as request.Response });
    expect(refused.res.headers.location).toBe(`${PUBLIC_URL}/settings?nextcloud_link_error=linked_elsewhere`);

    await request(t.app).delete('/api/auth/nextcloud/link').set('Authorization', bearer).expect(204);
    expect((await request(t.app).get('/api/auth/nextcloud/link').set('Authorization', bearer).expect(200)).body.linked).toBe(false);
    expect((await auditOf(t, 'auth.nextcloud_unlink'))[0]).toMatchObject({ outcome: 'ok' });

    // An account Nextcloud made has no password: unlinking would lock it out.
    peer.signInAs('alice');
    const alice = await refresh(t, (await signIn(t)).refresh).expect(200);
    const res = await request(t.app).delete('/api/auth/nextcloud/link').set('Authorization', `Bearer ${alice.body.accessToken}`).expect(409);
    expect(res.body.error.code).toBe('password_required');
    expect((await request(t.app).get('/api/auth/nextcloud/link').set('Authorization', `Bearer ${alice.body.accessToken}`).expect(200)).body.linked).toBe(true);
  });

  it('an account Nextcloud made has no password until its owner sets one, with the session alone; then a current one is asked', async () => {
    peer.users.set('mia', { name: 'Mia', email: 'mia@example.com', groups: [] });
    peer.signInAs('mia');
    const session = await refresh(t, (await signIn(t)).refresh).expect(200);
    const bearer = `Bearer ${session.body.accessToken}`;
    const res = await request(t.app).post('/api/auth/login').send({ email: 'mia@example.com', password: 'anything at all here' }).expect(401);
    expect(res.body.error.code).toBe('invalid_credentials');

    await request(t.app).post('/api/me/password').set('Authorization', bearer).send({ newPassword: PASSWORD }).expect(204);
    await request(t.app).post('/api/auth/login').send({ email: 'mia@example.com', password: PASSWORD }).expect(200);
    expect((await request(t.app).get('/api/auth/nextcloud/link').set('Authorization', bearer).expect(200)).body.hasPassword).toBe(true);
    // Now the current password is what proves it.
    const missing = await request(t.app).post('/api/me/password').set('Authorization', bearer).send({ newPassword: 'another long enough password' }).expect(400);
    expect(missing.body.error.code).toBe('validation_failed');
    await request(t.app).post('/api/auth/login').send({ email: 'mia@example.com', password: PASSWORD }).expect(200);
  });

  it('asks Nextcloud again on refresh once the period passed: still allowed goes on, Nextcloud down goes on, refused ends every session of the account', async () => {
    peer.users.set('hank', { name: 'Hank', email: 'hank@example.com', groups: [] });
    peer.signInAs('hank');
    const one = await signIn(t);
    const two = await signIn(t);
    const due = () => t.db.dataSource.query(`UPDATE nextcloud_identities SET checked_at = now() - interval '1 hour' WHERE subject = 'hank'`);

    await due();
    const first = await refresh(t, one.refresh).expect(200);
    const afterFirst = cookieValue(first, 'sipcall_refresh');

    await due();
    peer.down(true);
    const whileDown = await refresh(t, afterFirst).expect(200);
    peer.down(false);

    await due();
    peer.users.get('hank')!.disabled = true;
    const refused = await refresh(t, cookieValue(whileDown, 'sipcall_refresh')).expect(401);
    expect(refused.body.error.code).toBe('identity_refused');
    // The account's other session ended with it.
    expect((await refresh(t, two.refresh).expect(401)).body.error.code).toBe('invalid_refresh_token');
    expect((await auditOf(t, 'auth.nextcloud_refused'))[0]).toMatchObject({ outcome: 'denied' });
  });

  it('Nextcloud down when a sign-in starts: back on the login page, told so', async () => {
    const other = await startTestApp({ NEXTCLOUD_URL: 'http://127.0.0.1:9', NEXTCLOUD_AUTH: 'oidc', NEXTCLOUD_CLIENT_ID: CLIENT_ID, NEXTCLOUD_CLIENT_SECRET: CLIENT_SECRET, PUBLIC_URL });
    try {
      const res = await request(other.app).get('/api/auth/nextcloud/start').expect(303);
      expect(res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=unavailable`);
    } finally {
      await other.close();
    }
  });

  it('a provider whose discovery names another issuer is refused', async () => {
    const other = await startTestApp({ NEXTCLOUD_URL: peer.url.replace('127.0.0.1', 'localhost'), NEXTCLOUD_AUTH: 'oidc', NEXTCLOUD_CLIENT_ID: CLIENT_ID, NEXTCLOUD_CLIENT_SECRET: CLIENT_SECRET, PUBLIC_URL });
    try {
      const res = await request(other.app).get('/api/auth/nextcloud/start').expect(303);
      expect(res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=refused`);
    } finally {
      await other.close();
    }
  });
});

describe('sign in with Nextcloud (its OAuth2 app)', () => {
  let peer: OAuth2Peer;
  let t: TestApp;
  beforeAll(async () => {
    peer = await startOAuth2Peer(CALLBACK);
    t = await startTestApp({ NEXTCLOUD_URL: peer.url, NEXTCLOUD_AUTH: 'oauth2', NEXTCLOUD_CLIENT_ID: OAUTH2_CLIENT_ID, NEXTCLOUD_CLIENT_SECRET: OAUTH2_CLIENT_SECRET, NEXTCLOUD_ADMIN_GROUP: 'admin', PUBLIC_URL });
  });
  afterAll(async () => {
    await t.close();
    await peer.close();
  });

  it('signs in as the user OCS names, with the groups OCS lists, at Nextcloud’s own OAuth2 addresses', async () => {
    peer.users.set('ines', { name: 'Ines', email: 'ines@example.com', groups: ['admin'] });
    peer.signInAs('ines');
    const start = await request(t.app).get('/api/auth/nextcloud/start').expect(303);
    expect(String(start.headers.location)).toMatch(new RegExp(`^${peer.url}/index.php/apps/oauth2/authorize\\?`));
    const { res, refresh: cookie } = await signIn(t, { start });
    expect(res.headers.location).toBe(`${PUBLIC_URL}/`);
    expect((await refresh(t, cookie).expect(200)).body.user).toMatchObject({ email: 'ines@example.com', displayName: 'Ines', role: 'admin' });
  });

  it('denied consent and a disabled account are told apart; a disabled account’s sessions end at the recheck', async () => {
    peer.users.set('jack', { name: 'Jack', email: 'jack@example.com', groups: [] });
    peer.signInAs(null);
    expect((await signIn(t)).res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=denied`);
    peer.signInAs('jack');
    const { refresh: cookie } = await signIn(t);
    await t.db.dataSource.query(`UPDATE nextcloud_identities SET checked_at = now() - interval '1 hour' WHERE subject = 'jack'`);
    peer.users.get('jack')!.disabled = true;
    expect((await refresh(t, cookie).expect(401)).body.error.code).toBe('identity_refused');
    peer.users.get('jack')!.disabled = false;
    // Disabled in Nextcloud at sign-in: OCS refuses, so does SIPCall.
    peer.users.get('jack')!.disabled = true;
    expect((await signIn(t)).res.headers.location).toBe(`${PUBLIC_URL}/login?signin_error=refused`);
  });
});

describe.skipIf(radicaleBinary === null)('the address books of someone signed in with Nextcloud’s OAuth2 app', () => {
  let dav: Radicale;
  let peer: OAuth2Peer;
  let t: TestApp;
  const DAV_PASSWORDS: Record<string, string> = { lena: 'lena-dav-password' };
  beforeAll(async () => {
    dav = await startRadicale(DAV_PASSWORDS);
    await dav.makeAddressBook('lena', 'contacts');
    await dav.putCard('lena', 'contacts', 'max.vcf', ['BEGIN:VCARD', 'VERSION:3.0', 'UID:max', 'FN:Max Mustermann', 'TEL;TYPE=CELL:+49 170 1234567', 'END:VCARD', ''].join('\r\n'));
    peer = await startOAuth2Peer(CALLBACK, { url: dav.url, passwordOf: (id) => DAV_PASSWORDS[id] });
    t = await startTestApp({ NEXTCLOUD_URL: peer.url, NEXTCLOUD_AUTH: 'oauth2', NEXTCLOUD_CLIENT_ID: OAUTH2_CLIENT_ID, NEXTCLOUD_CLIENT_SECRET: OAUTH2_CLIENT_SECRET, PUBLIC_URL, DEFAULT_COUNTRY: 'DE' });
  });
  afterAll(async () => {
    await t.close();
    await peer.close();
    await dav.stop();
  });

  it('connects them with the sign-in’s bearer token, no app password, and renews the token when it runs out', async () => {
    peer.users.set('lena', { name: 'Lena', email: 'lena@example.com', groups: [] });
    peer.signInAs('lena');
    const session = await refresh(t, (await signIn(t)).refresh).expect(200);
    const as = (r: request.Test) => r.set('Authorization', `Bearer ${session.body.accessToken}`);
    expect((await as(request(t.app).get('/api/nextcloud-contacts/connection')).expect(200)).body).toMatchObject({ connected: false, signInAccount: 'lena' });
    const connected = await as(request(t.app).put('/api/nextcloud-contacts/connection')).send({ withSignIn: true }).expect(200);
    expect(connected.body).toMatchObject({ connected: true, via: 'sign-in', username: 'lena', books: 1, contacts: 1 });
    expect((await as(request(t.app).get('/api/contacts/search?q=max')).expect(200)).body.items[0]).toMatchObject({ displayName: 'Max Mustermann', source: 'nextcloud' });

    // The access token ran out: the next sync renews it with the refresh token first.
    await t.db.dataSource.query(`UPDATE nextcloud_identities SET access_expires_at = now() - interval '1 minute'`);
    await dav.putCard('lena', 'contacts', 'erika.vcf', ['BEGIN:VCARD', 'VERSION:3.0', 'UID:erika', 'FN:Erika Muster', 'TEL:030 1234567', 'END:VCARD', ''].join('\r\n'));
    const synced = await as(request(t.app).post('/api/nextcloud-contacts/connection/sync')).expect(200);
    expect(synced.body).toMatchObject({ contacts: 2, lastError: null });
    const [held] = await t.db.dataSource.query<Array<{ fresh: boolean }>>(`SELECT access_expires_at > now() + interval '30 minutes' AS fresh FROM nextcloud_identities`);
    expect(held!.fresh).toBe(true);
  });

  it('someone signed in with a password has no sign-in to connect with: 409, nothing stored', async () => {
    await createUser(t, { email: 'otto@example.com', password: PASSWORD });
    const login = await request(t.app).post('/api/auth/login').send({ email: 'otto@example.com', password: PASSWORD }).expect(200);
    const res = await request(t.app).put('/api/nextcloud-contacts/connection').set('Authorization', `Bearer ${login.body.accessToken}`).send({ withSignIn: true }).expect(409);
    expect(res.body.error.code).toBe('nextcloud_sign_in_unusable');
    await request(t.app).put('/api/nextcloud-contacts/connection').set('Authorization', `Bearer ${login.body.accessToken}`).send({ withSignIn: false }).expect(400);
    expect((await request(t.app).get('/api/nextcloud-contacts/connection').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200)).body.connected).toBe(false);
  });
});

describe('PASSWORD_LOGIN', () => {
  it('admins: only admins sign in with a password; off: nobody; both say so', async () => {
    const admins = await startTestApp({ PASSWORD_LOGIN: 'admins' });
    const off = await startTestApp({ PASSWORD_LOGIN: 'off' });
    try {
      for (const t of [admins, off]) {
        await createUser(t, { email: 'root@example.com', role: 'admin', password: PASSWORD });
        await createUser(t, { email: 'kim@example.com', password: PASSWORD });
      }
      expect((await request(admins.app).get('/api/auth/providers').expect(200)).body).toMatchObject({ password: true, passwordAdminsOnly: true });
      await request(admins.app).post('/api/auth/login').send({ email: 'root@example.com', password: PASSWORD }).expect(200);
      const refused = await request(admins.app).post('/api/auth/login').send({ email: 'kim@example.com', password: PASSWORD }).expect(403);
      expect(refused.body.error.code).toBe('password_login_disabled');
      expect(cookies(refused).some((c) => c.startsWith('sipcall_refresh='))).toBe(false);

      expect((await request(off.app).get('/api/auth/providers').expect(200)).body).toMatchObject({ password: false, passwordReset: false });
      for (const email of ['root@example.com', 'kim@example.com']) {
        expect((await request(off.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(403)).body.error.code).toBe('password_login_disabled');
      }
    } finally {
      await admins.close();
      await off.close();
    }
  });
});

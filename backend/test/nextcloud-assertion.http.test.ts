// Assertions from SIPCall's Nextcloud app, exchanged for a session: made by
// the app's own PHP signer (nextcloud-app/lib/Service/AssertionSigner.php,
// run with Debian's php) and taken; and refused — a wrong signature, another
// audience, an unknown instance, expired, living longer than two minutes,
// replayed — each with 401 invalid_assertion and nothing made. A person is
// one SIPCall user whichever way they come in: the redirect (Nextcloud's
// OAuth2 app, its documented double here) or the app's assertion.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { followRedirects } from './support/nextcloud-oidc.js';
import { OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET, startOAuth2Peer, type OAuth2Peer } from './support/nextcloud-oauth2.js';

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../nextcloud-app');
const PUBLIC_URL = 'http://127.0.0.1:9';
const CALLBACK = `${PUBLIC_URL}/api/auth/nextcloud/callback`;
const SECRET = 'nextcloud-app-shared-secret-for-tests-0123456789';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() !== '';
const noPhp = has('php') ? null : 'php is not installed (apt-get install php-cli): the app’s own signer cannot run';
if (noPhp) console.warn(`nextcloud-assertion: ${noPhp}`);

/** An assertion from the app's PHP code, as its token endpoint makes one. */
function phpAssertion(issuer: string, user: { id: string; name: string; email: string | null; groups: string[] }, lifetime = 60): string {
  const code = `require ${JSON.stringify(path.join(APP_DIR, 'lib/Service/AssertionSigner.php'))};
    $s = new OCA\\SIPCall\\Service\\AssertionSigner($argv[1], $argv[2], $argv[3]);
    echo $s->sign($argv[4], $argv[5], $argv[6] === '' ? null : $argv[6], json_decode($argv[7]), (int) $argv[8]);`;
  return execFileSync('php', ['-r', code, '--', issuer, PUBLIC_URL, SECRET, user.id, user.name, user.email ?? '', JSON.stringify(user.groups), String(lifetime)], { encoding: 'utf8' });
}

const made = async (t: TestApp) =>
  (await t.db.dataSource.query<Array<Record<string, string>>>(`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM refresh_tokens) AS sessions, (SELECT count(*) FROM nextcloud_identities) AS links`))[0];
const exchange = (t: TestApp, assertion: unknown) => request(t.app).post('/api/auth/nextcloud/assertion').send({ assertion });

describe.skipIf(noPhp !== null)('assertions from SIPCall’s Nextcloud app', () => {
  let peer: OAuth2Peer;
  let t: TestApp;
  beforeAll(async () => {
    peer = await startOAuth2Peer(CALLBACK);
    t = await startTestApp({ NEXTCLOUD_URL: peer.url, NEXTCLOUD_AUTH: 'oauth2', NEXTCLOUD_CLIENT_ID: OAUTH2_CLIENT_ID, NEXTCLOUD_CLIENT_SECRET: OAUTH2_CLIENT_SECRET, NEXTCLOUD_APP_SECRET: SECRET, NEXTCLOUD_ADMIN_GROUP: 'admin', PUBLIC_URL });
  });
  afterAll(async () => {
    await t.close();
    await peer.close();
  });

  it('takes one the app’s PHP signed: an ordinary session, the user made, the admin group applied', async () => {
    const res = await exchange(t, phpAssertion(peer.url, { id: 'nora', name: 'Nora Nextcloud', email: 'nora@example.com', groups: ['admin'] })).expect(200);
    expect(res.body.user).toMatchObject({ email: 'nora@example.com', displayName: 'Nora Nextcloud', role: 'admin' });
    expect(res.body.tokenType).toBe('Bearer');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sipcall_refresh='))!.split(';')[0]!;
    expect((await request(t.app).post('/api/auth/refresh').set('Cookie', cookie).send({}).expect(200)).body.user.email).toBe('nora@example.com');
    expect((await t.services.audit.list({ limit: 1, action: 'auth.login' })).items[0]).toMatchObject({ outcome: 'ok', details: { method: 'nextcloud-app' } });
  });

  it('lets Nextcloud’s pages call the API across origins, and no other site', async () => {
    const nextcloud = new URL(peer.url).origin;
    const preflight = (origin: string) => request(t.app).options('/api/auth/nextcloud/assertion').set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type');
    expect((await preflight(nextcloud)).headers['access-control-allow-origin']).toBe(nextcloud);
    expect((await preflight('https://elsewhere.example.org')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('one person, whichever way they come in: the redirect and the assertion find the same user', async () => {
    peer.users.set('otto', { name: 'Otto', email: 'otto@example.com', groups: [] });
    peer.signInAs('otto');
    const start = await request(t.app).get('/api/auth/nextcloud/start').expect(303);
    const back = await followRedirects(String(start.headers.location), CALLBACK);
    const flow = ([] as string[]).concat(start.headers['set-cookie'] ?? []).find((c) => c.startsWith('sipcall_nextcloud='))!.split(';')[0]!;
    const signedIn = await request(t.app).get(back.pathname + back.search).set('Cookie', flow).expect(303);
    const cookie = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? []).find((c) => c.startsWith('sipcall_refresh='))!.split(';')[0]!;
    const viaRedirect = await request(t.app).post('/api/auth/refresh').set('Cookie', cookie).send({}).expect(200);
    const viaApp = await exchange(t, phpAssertion(peer.url, { id: 'otto', name: 'Otto', email: 'otto@example.com', groups: [] })).expect(200);
    expect(viaApp.body.user.id).toBe(viaRedirect.body.user.id);
  });

  it.each([
    ['a wrong signature', (claims: jwt.JwtPayload) => jwt.sign(claims, 'another-secret-of-enough-length-0123456789', { algorithm: 'HS256' })],
    ['another audience', (claims: jwt.JwtPayload) => jwt.sign({ ...claims, aud: 'https://other.example.org' }, SECRET, { algorithm: 'HS256' })],
    ['an unknown instance', (claims: jwt.JwtPayload) => jwt.sign({ ...claims, iss: 'https://unknown.example.org' }, SECRET, { algorithm: 'HS256' })],
    ['an expired one', (claims: jwt.JwtPayload) => jwt.sign({ ...claims, iat: claims.iat! - 600, exp: claims.exp! - 600 }, SECRET, { algorithm: 'HS256' })],
    ['one that lives longer than two minutes', (claims: jwt.JwtPayload) => jwt.sign({ ...claims, exp: claims.iat! + 3600 }, SECRET, { algorithm: 'HS256' })],
    ['one without a jti', (claims: jwt.JwtPayload) => jwt.sign({ ...claims, jti: undefined }, SECRET, { algorithm: 'HS256' })],
    ['alg none', (claims: jwt.JwtPayload) => jwt.sign(claims, '', { algorithm: 'none' })],
    ['not a JWT at all', () => 'not.a.jwt'],
  ])('refuses %s with 401 and makes nothing', async (_what, forge) => {
    const genuine = jwt.decode(phpAssertion(peer.url, { id: 'paula', name: 'Paula', email: 'paula@example.com', groups: [] })) as jwt.JwtPayload;
    const before = await made(t);
    const res = await exchange(t, forge(genuine)).expect(401);
    expect(res.body.error.code).toBe('invalid_assertion');
    expect(await made(t)).toEqual(before);
  });

  it('takes an assertion once: the same one again is refused and makes nothing', async () => {
    const assertion = phpAssertion(peer.url, { id: 'quinn', name: 'Quinn', email: 'quinn@example.com', groups: [] });
    await exchange(t, assertion).expect(200);
    const before = await made(t);
    expect((await exchange(t, assertion).expect(401)).body.error.code).toBe('invalid_assertion');
    expect(await made(t)).toEqual(before);
  });

  it('vouched for, but not to be signed in: an unlinked account’s email is 403 and nothing is made', async () => {
    await createUser(t, { email: 'rita@example.com', password: 'a long enough password' });
    const before = await made(t);
    const res = await exchange(t, phpAssertion(peer.url, { id: 'rita', name: 'Rita', email: 'rita@example.com', groups: [] })).expect(403);
    expect(res.body.error.code).toBe('email_taken');
    expect(await made(t)).toEqual(before);
    await exchange(t, { not: 'a string' }).expect(400);
  });
});

describe('the Nextcloud app’s PHP', () => {
  const phpunit = has('phpunit') ? null : 'phpunit is not installed (apt-get install phpunit)';
  if (phpunit) console.warn(`nextcloud-app: ${phpunit}`);

  it.skipIf(noPhp !== null)('every PHP file parses (php -l)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name === 'dist') continue;
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.php')) files.push(full);
      }
    };
    walk(APP_DIR);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(spawnSync('php', ['-l', f], { encoding: 'utf8' }).status, f).toBe(0);
  });

  it.skipIf(noPhp !== null || phpunit !== null)('its unit tests pass (PHPUnit)', () => {
    const run = spawnSync('phpunit', ['--configuration', path.join(APP_DIR, 'phpunit.xml')], { cwd: APP_DIR, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});

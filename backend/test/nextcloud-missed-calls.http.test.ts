// A PSTN call to a Nextcloud user that nobody answered is told to SIPCall's
// Nextcloud app (its route POST /index.php/apps/sipcall/api/v1/missed-call,
// stood in for here by a server that keeps what it is sent): once per call,
// whichever of its records arrives and however often, signed so that the
// app's own PHP verifier (nextcloud-app/lib/Service/NoticeVerifier.php, run
// with Debian's php) takes it. Answered, outgoing and refused calls, and
// users Nextcloud does not know, are told nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSED_CALL_PATH } from '../src/nextcloud/missed-calls.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { httpCapture } from './support/fixtures.js';
import { until } from './support/until.js';

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../nextcloud-app');
const PUBLIC_URL = 'http://127.0.0.1:9';
const SECRET = 'nextcloud-app-shared-secret-for-tests-0123456789';
const SWITCH = { user: 'freeswitch', password: 'switch-http-password-missed' };
const auth = `Basic ${Buffer.from(`${SWITCH.user}:${SWITCH.password}`).toString('base64')}`;
const hasPhp = spawnSync('sh', ['-c', 'command -v php'], { encoding: 'utf8' }).stdout.trim() !== '';
if (!hasPhp) console.warn('nextcloud-missed-calls: php is not installed (apt-get install php-cli): the app’s verifier is not asked');

/** What the app's PHP makes of a notice: its claims, or why not. */
function appVerifies(notice: string, nextcloudUrl: string): unknown {
  const code = `require ${JSON.stringify(path.join(APP_DIR, 'lib/Service/NoticeVerifier.php'))};
    try { echo json_encode((new OCA\\SIPCall\\Service\\NoticeVerifier($argv[1], $argv[2], $argv[3]))->verify($argv[4])); }
    catch (InvalidArgumentException $e) { echo json_encode(['refused' => $e->getMessage()]); }`;
  return JSON.parse(execFileSync('php', ['-r', code, '--', PUBLIC_URL, nextcloudUrl, SECRET, notice], { encoding: 'utf8' }));
}

describe('missed calls told to SIPCall’s Nextcloud app', () => {
  let t: TestApp;
  let nextcloud: Server;
  let nextcloudUrl: string;
  const received: Array<{ path: string; body: { notice: string } }> = [];
  let nora = '';

  beforeAll(async () => {
    nextcloud = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(body) as { notice: string } });
        res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"notified":true}');
      });
    });
    await new Promise<void>((resolve) => nextcloud.listen(0, '127.0.0.1', resolve));
    nextcloudUrl = `http://127.0.0.1:${(nextcloud.address() as { port: number }).port}`;
    t = await startTestApp({ NEXTCLOUD_URL: nextcloudUrl, NEXTCLOUD_APP_SECRET: SECRET, PUBLIC_URL, SWITCH_HTTP_PASSWORD: SWITCH.password, DEFAULT_COUNTRY: 'DE' });
    // Nora comes in through the app's assertion: her identity names this Nextcloud and her Nextcloud user id.
    const assertion = jwt.sign({ sub: 'nora', name: 'Nora', email: 'nora@example.com', groups: [], jti: randomUUID() }, SECRET, { algorithm: 'HS256', issuer: nextcloudUrl, audience: PUBLIC_URL, expiresIn: 60 });
    nora = (await request(t.app).post('/api/auth/nextcloud/assertion').send({ assertion }).expect(200)).body.user.id;
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => nextcloud?.close(resolve));
  });

  /** A record of a call through the trunk, made inbound to `userId`; answered or not. */
  function record(o: { userId: string; uuid?: string; answered?: boolean; direction?: 'inbound' | 'outbound'; refused?: boolean }) {
    const json = JSON.parse(httpCapture('json-cdr-loopback-a.http').body.toString('utf8')) as { variables: Record<string, string> };
    const v = json.variables;
    v['uuid'] = o.uuid ?? randomUUID();
    v['sipcall_user_id'] = o.userId;
    v['sipcall_direction'] = o.direction ?? 'inbound';
    v['sipcall_decision'] = o.refused ? 'refuse' : 'allow';
    if (!o.answered) {
      v['answer_uepoch'] = '0';
      v['billsec'] = '0';
      v['hangup_cause'] = 'NO_ANSWER';
    }
    return json;
  }
  const post = (json: unknown) => request(t.app).post('/freeswitch/cdr').set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(json)).expect(200);

  it('tells the app once about a call nobody answered, in a notice its own PHP takes', async () => {
    const missed = record({ userId: nora });
    const uuid = missed.variables['uuid']!;
    await post(missed);
    await until(() => received.length, (n) => n === 1);
    expect(received[0]!.path).toBe(MISSED_CALL_PATH);
    const claims = jwt.verify(received[0]!.body.notice, SECRET, { issuer: PUBLIC_URL, audience: nextcloudUrl }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'nora', jti: uuid });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
    if (hasPhp) expect(appVerifies(received[0]!.body.notice, nextcloudUrl)).toMatchObject({ user: 'nora', id: uuid, caller: claims['caller'] as string });
    // The same record again (the switch retried), and the call's other leg: told already.
    await post(missed);
    await post({ ...missed, variables: { ...missed.variables, sipcall_leg: 'b' } });
    const after = record({ userId: nora });
    await post(after);
    await until(() => received.length, (n) => n === 2);
    expect((jwt.decode(received[1]!.body.notice) as jwt.JwtPayload).jti).toBe(after.variables['uuid']);
  });

  it('tells nothing of answered, outgoing or refused calls, nor of users Nextcloud does not know', async () => {
    const before = received.length;
    const stranger = await createUser(t, { email: 'stranger@example.com' });
    await post(record({ userId: nora, answered: true }));
    await post(record({ userId: nora, direction: 'outbound' }));
    await post(record({ userId: nora, refused: true }));
    await post(record({ userId: stranger.id }));
    // One that is told, after them: had any of those been told, it would have arrived first.
    const marker = record({ userId: nora });
    await post(marker);
    await until(() => received.length, (n) => n > before);
    expect(received.slice(before).map((r) => (jwt.decode(r.body.notice) as jwt.JwtPayload).jti)).toEqual([marker.variables['uuid']]);
  });

  it.skipIf(!hasPhp)('the app’s PHP refuses a notice signed with another secret or for another Nextcloud', () => {
    const forged = jwt.sign({ sub: 'nora', caller: '+49301234567', at: 1, jti: randomUUID() }, 'another-secret-of-enough-length-0123456789', { algorithm: 'HS256', issuer: PUBLIC_URL, audience: nextcloudUrl, expiresIn: 60 });
    expect(appVerifies(forged, nextcloudUrl)).toEqual({ refused: 'wrong signature' });
    const elsewhere = jwt.sign({ sub: 'nora', caller: '+49301234567', at: 1, jti: randomUUID() }, SECRET, { algorithm: 'HS256', issuer: PUBLIC_URL, audience: 'https://other.example.org', expiresIn: 60 });
    expect(appVerifies(elsewhere, nextcloudUrl)).toEqual({ refused: 'for another Nextcloud' });
  });
});

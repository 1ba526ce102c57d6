// GET /api/phone-system: what the browser phone is told before it registers,
// read from the real switch links: no switch configured, a switch whose link
// is down (with why, and when it is tried again), and a ready one.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { FreeSwitchPeer } from './support/freeswitch-peer.js';
import { until } from './support/until.js';

const PASSWORD = 'a long enough password';
const WSS = 'wss://sip.example.test:7443';

async function signIn(t: TestApp, email: string, role: 'user' | 'admin'): Promise<string> {
  await createUser(t, { email, role, password: PASSWORD });
  return (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
}
const phoneSystem = (t: TestApp, token: string) => request(t.app).get('/api/phone-system').set('Authorization', `Bearer ${token}`).expect(200);

describe('the phone system with no switch configured', () => {
  let t: TestApp;
  let user: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ SIP_WSS_URL: WSS });
    user = await signIn(t, 'una@example.com', 'user');
    admin = await signIn(t, 'ada@example.com', 'admin');
  });
  afterAll(() => t?.close());

  it('answers 401 without a sign-in', async () => {
    expect((await request(t.app).get('/api/phone-system').expect(401)).body.error.code).toBe('unauthorized');
  });

  it('tells a user it is not configured, with no WebSocket to register with', async () => {
    const res = await phoneSystem(t, user);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ configured: false, status: 'not_configured', nextRetryAt: null, wssUrl: null });
  });

  it('gives an admin the same, with an empty list of switches', async () => {
    expect((await phoneSystem(t, admin)).body).toEqual({ configured: false, status: 'not_configured', nextRetryAt: null, wssUrl: null, switches: [] });
  });
});

describe('the phone system with a switch', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  let user: string;
  let admin: string;
  let name: string;

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    name = `127.0.0.1:${peer.port}`;
    t = await startTestApp({ FREESWITCH_NODES: peer.url, SIP_WSS_URL: WSS });
    user = await signIn(t, 'uma@example.com', 'user');
    admin = await signIn(t, 'abe@example.com', 'admin');
    await until(() => t.switching.switches.states()[name], (s) => s === 'ready');
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  it('is ready while the link to the switch is up, and names the WebSocket', async () => {
    expect((await phoneSystem(t, user)).body).toEqual({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: WSS });
    expect((await phoneSystem(t, admin)).body.switches).toEqual([{ name, state: 'ready', since: expect.any(String), lastError: null, nextRetryAt: null }]);
  });

  it('is down when the link drops: the admin sees the error and when it retries, a user only when', async () => {
    peer.refuseConnections(true);
    peer.dropConnections();
    const down = await until(
      async () => (await phoneSystem(t, admin)).body,
      (b) => b.status === 'down' && b.switches[0].state === 'reconnecting' && b.switches[0].lastError !== null,
    );
    const [link] = down.switches;
    expect(down).toMatchObject({ configured: true, wssUrl: WSS, nextRetryAt: link.nextRetryAt });
    expect(Date.parse(link.nextRetryAt)).toBeGreaterThanOrEqual(Date.parse(link.since));
    expect(link.lastError).toEqual(expect.any(String));

    const seenByUser = (await phoneSystem(t, user)).body;
    expect(seenByUser).not.toHaveProperty('switches');
    expect(seenByUser).toMatchObject({ configured: true, status: 'down' });

    peer.refuseConnections(false);
    await until(() => t.switching.switches.states()[name], (s) => s === 'ready');
    expect((await phoneSystem(t, admin)).body).toMatchObject({ status: 'ready', nextRetryAt: null, switches: [{ state: 'ready', lastError: null, nextRetryAt: null }] });
  });
});

// Switch control end to end: the backend connects to the FreeSWITCH test peer
// over a real socket, tracks calls from its events, and controls them with
// exact ESL commands through the REST API and the live WebSocket.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LiveCall } from '../src/calls/live-call.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { until } from './support/until.js';
import { FreeSwitchPeer } from './support/freeswitch-peer.js';

const PASSWORD = 'a long enough password';
/** A switch link that is down and retrying: 'reconnecting' between attempts, 'connecting' during one (a busy machine may be mid-attempt when /readyz is read). */
const RETRYING = expect.stringMatching(/^(reconnecting|connecting)$/);


describe('switch control over HTTP', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let admin: { id: string; token: string; email: string };

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    t = await startTestApp({ FREESWITCH_NODES: peer.url });
    const signIn = async (email: string, role: 'user' | 'admin' = 'user') => {
      const u = await createUser(t, { email, role, password: PASSWORD });
      const token = (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
      return { id: u.id, token, email };
    };
    alice = await signIn('alice@example.com');
    bob = await signIn('bob@example.com');
    admin = await signIn('admin@example.com', 'admin');
    await until(() => t.switching.switches.states()[`127.0.0.1:${peer.port}`], (s) => s === 'ready');
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  const api = (token: string) => ({
    get: (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string, body?: object) => request(t.app).post(url).set('Authorization', `Bearer ${token}`).send(body),
  });
  const node = () => `127.0.0.1:${peer.port}`;

  async function aliceCall(): Promise<LiveCall> {
    const id = peer.placeCall({ sipUser: alice.id, destination: '+4930123456', userId: alice.id });
    return until(() => t.switching.store.get(id), (c) => c?.state === 'answered' && c.legs.length === 2) as Promise<LiveCall>;
  }

  it('subscribes on connect with one exact event command, and reports the node in /readyz', async () => {
    expect(peer.commands).toContain(
      'event json CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE DTMF BACKGROUND_JOB HEARTBEAT CUSTOM sofia::register sofia::unregister sofia::gateway_state',
    );
    expect(peer.commands).toContain('api show channels as json');
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.checks.switches).toEqual({ status: 'ok', details: { [node()]: 'ready' } });
  });

  it('shows a call to its owner and admins only; anyone else gets 404', async () => {
    const call = await aliceCall();
    expect(call).toMatchObject({ userId: alice.id, destination: '+4930123456', direction: 'outbound', node: node() });
    expect((await api(alice.token).get('/api/calls').expect(200)).body.calls.map((c: LiveCall) => c.id)).toContain(call.id);
    expect((await api(admin.token).get('/api/calls').expect(200)).body.calls.map((c: LiveCall) => c.id)).toContain(call.id);
    expect((await api(bob.token).get('/api/calls').expect(200)).body.calls).toEqual([]);
    expect((await api(bob.token).get(`/api/calls/${call.id}`).expect(404)).body.error.code).toBe('not_found');
    expect((await api(alice.token).get(`/api/calls/${call.id}`).expect(200)).body.call).not.toHaveProperty('lastEventUs');
    peer.hangup(call.id);
  });

  it('sends hold, unhold, DTMF and hangup as the exact ESL commands, and the state follows', async () => {
    const call = await aliceCall();
    const far = call.legs[1]!;
    await api(alice.token).post(`/api/calls/${call.id}/hold`, { on: true }).expect(204);
    expect(peer.commands).toContain(`api uuid_hold ${far}`);
    await until(() => t.switching.store.get(call.id), (c) => c?.state === 'held');
    await api(alice.token).post(`/api/calls/${call.id}/hold`, { on: false }).expect(204);
    expect(peer.commands).toContain(`api uuid_hold off ${far}`);
    await until(() => t.switching.store.get(call.id), (c) => c?.state === 'answered');
    await api(alice.token).post(`/api/calls/${call.id}/dtmf`, { digits: '123#' }).expect(204);
    expect(peer.commands).toContain(`api uuid_send_dtmf ${far} 123#`);
    await api(alice.token).post(`/api/calls/${call.id}/hangup`).expect(204);
    expect(peer.commands).toContain(`api uuid_kill ${call.id}`);
    await until(() => t.switching.store.get(call.id), (c) => c === null);
    // the call is gone: controlling it now is a 404, not a 500
    await api(alice.token).post(`/api/calls/${call.id}/hangup`).expect(404);
  });

  it('blind-transfers the far end through the dialplan and drops the user leg', async () => {
    const call = await aliceCall();
    await api(alice.token).post(`/api/calls/${call.id}/transfer`, { destination: '+49 40 987654' }).expect(204);
    expect(peer.commands).toContain(`api uuid_transfer ${call.id} -bleg +4940987654 XML default`);
    await until(() => t.switching.store.get(call.id), (c) => c === null);
  });

  it('refuses someone else\'s call with 404 and sends nothing to the switch', async () => {
    const call = await aliceCall();
    const before = peer.commands.length;
    for (const action of ['hangup', 'hold', 'transfer', 'dtmf']) {
      const body = action === 'hold' ? { on: true } : action === 'transfer' ? { destination: '+4940987654' } : action === 'dtmf' ? { digits: '1' } : undefined;
      await api(bob.token).post(`/api/calls/${call.id}/${action}`, body).expect(404);
    }
    expect(peer.commands.length).toBe(before);
    peer.hangup(call.id);
  });

  it('audit-logs an admin acting on a user\'s call', async () => {
    const call = await aliceCall();
    await api(admin.token).post(`/api/calls/${call.id}/hangup`).expect(204);
    const trail = await t.services.audit.list({ limit: 1, action: 'call.hangup' });
    expect(trail.items[0]).toMatchObject({ actorId: admin.id, targetType: 'call', targetId: call.id, details: { owner: alice.id, node: node() } });
  });

  it.each([
    ['dtmf', { digits: '1;uuid_kill all' }],
    ['dtmf', { digits: '' }],
    ['transfer', { destination: '+49 40\napi shutdown' }],
    ['transfer', { destination: 'sofia/gateway/evil/123' }],
    ['hold', { on: 'yes' }],
    ['hangup', { extra: true }],
  ])('refuses a bad %s body with 400 and sends nothing', async (action, body) => {
    const call = await aliceCall();
    const before = peer.commands.length;
    const res = await api(alice.token).post(`/api/calls/${call.id}/${action}`, body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(peer.commands.length).toBe(before);
    peer.hangup(call.id);
  });

  it('answers 404 for an unknown call id and 400 for a malformed one', async () => {
    await api(alice.token).post('/api/calls/00000000-0000-4000-8000-000000000000/hangup').expect(404);
    await api(alice.token).post('/api/calls/not-a-uuid/hangup').expect(400);
  });

  it('click-to-call rings the user first, then dials the destination through the dialplan', async () => {
    peer.registered.add(alice.id);
    const res = await api(alice.token).post('/api/calls', { destination: '+4930555000' });
    expect([201, 202]).toContain(res.status);
    const id = res.body.id as string;
    const sent = await peer.waitForCommand(/^bgapi originate /);
    expect(sent).toBe(
      `bgapi originate {origination_uuid=${id},sipcall_user_id=${alice.id},accountcode=${alice.id},sipcall_direction=outbound,sipcall_destination=+4930555000,origination_caller_id_number=+4930555000,origination_caller_id_name=+4930555000,originate_timeout=30}user/${alice.id} +4930555000 XML default\nJob-UUID: ${sent.split('Job-UUID: ')[1]}`,
    );
    const call = await until(() => t.switching.store.get(id), (c) => c?.state === 'answered' && c.legs.length === 2);
    expect(call).toMatchObject({ userId: alice.id, destination: '+4930555000' });
    peer.hangup(id);
  });

  it('click-to-call without a registered device is refused with 409 not_registered', async () => {
    const res = await api(bob.token).post('/api/calls', { destination: '+4930555000' }).expect(409);
    expect(res.body.error.code).toBe('not_registered');
  });
});

describe('a switch link that drops mid-call', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  const ended: Array<[string, string]> = [];
  let userId: string;

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    t = await startTestApp({ FREESWITCH_NODES: peer.url });
    userId = (await createUser(t, { email: 'carol@example.com' })).id;
    t.switching.tracker.subscribe({ ended: (c, cause) => ended.push([c.id, cause]) });
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });
  afterEach(() => peer.refuseConnections(false));

  it('reconnects, re-subscribes and reconciles: the call that ended in the gap is closed once', async () => {
    const name = `127.0.0.1:${peer.port}`;
    await until(() => t.switching.switches.states()[name], (s) => s === 'ready');
    const endsDuringGap = peer.placeCall({ sipUser: 'carol', destination: '+4930111', userId });
    const survives = peer.placeCall({ sipUser: 'carol', destination: '+4930222', userId });
    await until(() => t.switching.store.list(), (calls) => calls.filter((c) => c.state === 'answered').length === 2);
    const subscriptions = peer.commands.filter((c) => c.startsWith('event json')).length;

    peer.refuseConnections(true);
    peer.dropConnections();
    await until(() => t.switching.switches.states()[name], (s) => s === 'reconnecting');
    expect((await request(t.app).get('/readyz').expect(503)).body.checks.switches).toMatchObject({ status: 'down', details: { [name]: RETRYING } });

    // While the link is down: one call ends, another starts. Nobody hears of it.
    peer.hangupSilently(endsDuringGap);
    const startedInGap = peer.placeCall({ sipUser: 'carol', destination: '+4930333', userId });
    await until(() => peer.channels.get(startedInGap)?.state, (s) => s === 'answered');
    peer.refuseConnections(false);

    await until(() => t.switching.switches.states()[name], (s) => s === 'ready');
    expect(peer.commands.filter((c) => c.startsWith('event json')).length).toBe(subscriptions + 1);
    const calls = await t.switching.store.list();
    expect(calls.map((c) => c.id).sort()).toEqual([survives, startedInGap].sort());
    expect(calls.find((c) => c.id === startedInGap)).toMatchObject({ userId, legs: [startedInGap, expect.any(String)], state: 'answered' });
    expect(ended).toEqual([[endsDuringGap, 'ENDED_WHILE_DISCONNECTED']]);

    // Events flow again on the new link.
    peer.hangup(survives, 'NORMAL_CLEARING');
    await until(() => ended.length, (n) => n === 2);
    expect(ended[1]).toEqual([survives, 'NORMAL_CLEARING']);
    const reconnects = (await t.metrics.eslReconnects.get()).values.find((v) => v.labels.node === name)?.value;
    expect(reconnects).toBeGreaterThanOrEqual(1);
    const up = (await t.metrics.switchNodeUp.get()).values.find((v) => v.labels.node === name)?.value;
    expect(up).toBe(1);
  });
});

describe('the live WebSocket', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  let url: string;
  let dave: { id: string; token: string };
  let erin: { id: string; token: string };

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    t = await startTestApp({ FREESWITCH_NODES: peer.url, CORS_ORIGINS: 'https://cloud.example.com' });
    url = (await t.listen()).url.replace('http', 'ws');
    const signIn = async (email: string) => {
      const u = await createUser(t, { email, password: PASSWORD });
      return { id: u.id, token: (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD })).body.accessToken as string };
    };
    dave = await signIn('dave@example.com');
    erin = await signIn('erin@example.com');
    await until(() => Object.values(t.switching.switches.states())[0], (s) => s === 'ready');
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  function open(token: string | null, origin?: string): Promise<{ ws: WebSocket; messages: Array<{ type: string; call?: LiveCall; calls?: LiveCall[]; cause?: string }> }> {
    return new Promise((resolve, reject) => {
      const protocols = token ? ['sipcall.v1', `bearer.${token}`] : ['sipcall.v1'];
      const ws = new WebSocket(`${url}/api/live`, protocols, origin ? { origin } : {});
      const messages: Array<{ type: string }> = [];
      ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8')) as { type: string }));
      ws.on('open', () => resolve({ ws, messages }));
      ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.on('error', reject);
    });
  }

  it('pushes a snapshot, then each change of the owner\'s call, and its end', async () => {
    const { ws, messages } = await open(dave.token, 'https://cloud.example.com');
    const other = await open(erin.token);
    await until(() => messages.length, (n) => n >= 1);
    expect(messages[0]).toEqual({ type: 'snapshot', calls: [] });
    const id = peer.placeCall({ sipUser: 'dave', destination: '+4930777', userId: dave.id });
    await until(() => messages.some((m) => m.type === 'call' && m.call?.state === 'answered'), Boolean);
    peer.hangup(id);
    await until(() => messages.some((m) => m.type === 'call_ended'), Boolean);
    const states = messages.filter((m) => m.type === 'call').map((m) => m.call!.state);
    expect(states[0]).toBe('ringing');
    expect(states).toContain('answered');
    expect(messages.at(-1)).toMatchObject({ type: 'call_ended', cause: 'NORMAL_CLEARING', call: { id, state: 'hangup' } });
    // someone else's socket heard nothing of it
    expect(other.messages.filter((m) => m.type !== 'snapshot')).toEqual([]);
    ws.close();
    other.ws.close();
  });

  it('refuses a foreign Origin with 403', async () => {
    await expect(open(dave.token, 'https://evil.example')).rejects.toThrow('HTTP 403');
  });

  it('refuses a missing or invalid token with 401', async () => {
    await expect(open(null)).rejects.toThrow('HTTP 401');
    await expect(open('not.a.token')).rejects.toThrow('HTTP 401');
  });

  const closed = (ws: WebSocket) => new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  const session = async (email: string) => {
    const res = await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
    return { token: res.body.accessToken as string, cookie };
  };

  it('closes the socket of a session that signs out, and only that one', async () => {
    await createUser(t, { email: 'gina@example.com', password: PASSWORD });
    const ending = await session('gina@example.com');
    const staying = await session('gina@example.com');
    const a = await open(ending.token);
    const b = await open(staying.token);
    const end = closed(a.ws);
    await request(t.app).post('/api/auth/logout').set('Cookie', ending.cookie).expect(204);
    expect((await end).code).toBe(4003);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    // and the token cannot open a new one
    await expect(open(ending.token)).rejects.toThrow('HTTP 401');
    b.ws.close();
  });

  it('closes every socket of a user who is disabled', async () => {
    const u = await createUser(t, { email: 'hank@example.com', password: PASSWORD });
    const sockets = await Promise.all([open((await session('hank@example.com')).token), open((await session('hank@example.com')).token)]);
    const ends = sockets.map((s) => closed(s.ws));
    await t.services.users.update(u.id, { disabled: true }, { actor: { id: null, email: 'test' }, ip: null });
    expect((await Promise.all(ends)).map((e) => e.code)).toEqual([4003, 4003]);
  });

  it("closes the socket when the token it was opened with expires, not a full lifetime later", async () => {
    await createUser(t, { email: 'ivy@example.com', password: PASSWORD });
    const { token } = await session('ivy@example.com');
    const claims = jwt.decode(token) as { sub: string; sid: string; role: string };
    // A token with two seconds left, as one issued near the end of its life is.
    const short = jwt.sign({ role: claims.role, sid: claims.sid }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: claims.sub, issuer: 'sipcall', audience: 'sipcall-api', expiresIn: 2 });
    const opened = Date.now();
    const { ws } = await open(short);
    const end = await closed(ws);
    expect(end.code).toBe(4001);
    expect(end.at - opened).toBeLessThan(t.config.auth.accessTokenTtlSeconds * 1000);
  });
});

describe('a switch that refuses our ESL password', () => {
  it('keeps retrying, reports the node down in /readyz, and refuses click-to-call with 503', async () => {
    const peer = await FreeSwitchPeer.start({ password: 'the-real-password-123' });
    const t = await startTestApp({ FREESWITCH_NODES: `esl://:wrong-password-1234@127.0.0.1:${peer.port}` });
    try {
      const name = `127.0.0.1:${peer.port}`;
      await until(() => t.switching.switches.states()[name], (s) => s === 'reconnecting');
      const ready = await request(t.app).get('/readyz').expect(503);
      expect(ready.body.checks.switches).toMatchObject({ status: 'down', details: { [name]: RETRYING } });
      expect(peer.commands).toContain('auth wrong-password-1234');
      expect(peer.commands.some((c) => c.startsWith('event'))).toBe(false);
      await createUser(t, { email: 'frank@example.com', password: PASSWORD });
      const token = (await request(t.app).post('/api/auth/login').send({ email: 'frank@example.com', password: PASSWORD })).body.accessToken as string;
      const res = await request(t.app).post('/api/calls').set('Authorization', `Bearer ${token}`).send({ destination: '+4930123' }).expect(503);
      expect(res.body.error.code).toBe('unavailable');
    } finally {
      await t.close();
      await peer.stop();
    }
  });
});

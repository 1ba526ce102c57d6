// Reading call records back: owners and admins, pages and filters, search by
// number through the blind index, privacy mode, export and erasure, and no
// number in any log line.
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { httpCapture } from './support/fixtures.js';

const PASSWORD = 'a long enough password';
const SWITCH = `Basic ${Buffer.from('freeswitch:history-switch-password').toString('base64')}`;

describe('call history, export and erasure', () => {
  let t: TestApp;
  const logLines: string[] = [];
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let admin: { id: string; token: string };

  /** A captured A-leg record, re-dated and re-owned. */
  async function record(user: string, destination: string, startSec: number, answered: boolean, direction = 'outbound') {
    const c = JSON.parse(httpCapture('json-cdr-bridged-sched-hangup-aleg.http').body.toString('utf8')) as { variables: Record<string, string> };
    const v = c.variables;
    v['uuid'] = crypto.randomUUID();
    v['sipcall_user_id'] = user;
    v['sipcall_destination'] = encodeURIComponent(destination);
    v['sipcall_direction'] = direction;
    v['start_uepoch'] = String(startSec * 1e6);
    v['answer_uepoch'] = answered ? String((startSec + 1) * 1e6) : '0';
    v['end_uepoch'] = String((startSec + 30) * 1e6);
    await request(t.app).post(`/freeswitch/cdr?uuid=${v['uuid']}`).set('Authorization', SWITCH).set('Content-Type', 'application/json').send(JSON.stringify(c)).expect(200);
    return v['uuid'];
  }

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) });
    t = await startTestApp({ SWITCH_HTTP_PASSWORD: 'history-switch-password', DEFAULT_COUNTRY: 'DE' }, { log: createLogger('trace', sink) });
    const signIn = async (email: string, role: 'user' | 'admin' = 'user') => {
      const u = await createUser(t, { email, role, password: PASSWORD });
      return { id: u.id, token: (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD })).body.accessToken as string };
    };
    alice = await signIn('alice@example.com');
    bob = await signIn('bob@example.com');
    admin = await signIn('root@example.com', 'admin');
    const day = 1795237000;
    await record(alice.id, '+4930111111', day, true);
    await record(alice.id, '+4930222222', day + 100, false);
    await record(alice.id, '+4930333333', day + 200, true, 'inbound');
    await record(bob.id, '+4930999999', day + 300, true);
  });
  afterAll(() => t?.close());

  const get = (token: string, query = '') => request(t.app).get(`/api/history${query}`).set('Authorization', `Bearer ${token}`);

  it('shows users their own calls, newest first, with numbers opened', async () => {
    const res = await get(alice.token).expect(200);
    expect(res.body.items.map((i: { destination: string }) => i.destination)).toEqual(['+4930333333', '+4930222222', '+4930111111']);
    expect(res.body.items.every((i: { userId: string }) => i.userId === alice.id)).toBe(true);
    expect((await get(bob.token).expect(200)).body.items.map((i: { destination: string }) => i.destination)).toEqual(['+4930999999']);
  });

  it('shows an admin everyone\'s calls, or one user\'s; a user asking for another\'s gets 403', async () => {
    expect((await get(admin.token).expect(200)).body.items).toHaveLength(4);
    expect((await get(admin.token, `?userId=${bob.id}`).expect(200)).body.items).toHaveLength(1);
    await get(alice.token, `?userId=${bob.id}`).expect(403);
  });

  it('pages with a cursor, without overlap', async () => {
    const first = await get(alice.token, '?limit=2').expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await get(alice.token, `?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((i: { destination: string }) => i.destination)).toEqual(['+4930111111']);
    expect(second.body.nextCursor).toBeNull();
    await get(alice.token, '?cursor=bogus').expect(400);
  });

  it('filters by direction, outcome, date and exact number (through the blind index)', async () => {
    expect((await get(alice.token, '?direction=inbound').expect(200)).body.items).toHaveLength(1);
    expect((await get(alice.token, '?status=unanswered').expect(200)).body.items.map((i: { destination: string }) => i.destination)).toEqual(['+4930222222']);
    expect((await get(alice.token, `?from=${new Date((1795237000 + 150) * 1000).toISOString()}`).expect(200)).body.items).toHaveLength(1);
    expect((await get(alice.token, '?number=030%20222222').expect(200)).body.items.map((i: { destination: string }) => i.destination)).toEqual(['+4930222222']);
    // someone else's number finds nothing for alice
    expect((await get(alice.token, '?number=%2B4930999999').expect(200)).body.items).toEqual([]);
    expect((await get(alice.token, '?number=abc').expect(400)).body.error.code).toBe('validation_failed');
  });

  it('masks numbers but their last digits in privacy mode', async () => {
    await request(t.app).patch('/api/me').set('Authorization', `Bearer ${alice.token}`).send({ privacyMode: true }).expect(200);
    const items = (await get(alice.token).expect(200)).body.items as Array<{ destination: string }>;
    expect(items.map((i) => i.destination)).toEqual(['+*******333', '+*******222', '+*******111']);
    await request(t.app).patch('/api/me').set('Authorization', `Bearer ${alice.token}`).send({ privacyMode: false }).expect(200);
    await request(t.app).patch('/api/me').set('Authorization', `Bearer ${alice.token}`).send({ role: 'admin' }).expect(400);
  });

  it('exports everything held about a user, opened', async () => {
    const contact = { displayName: 'Dora Doctor', numbers: [{ label: 'work', number: '+49 30 4444444' }] };
    await request(t.app).post('/api/contacts').set('Authorization', `Bearer ${alice.token}`).send(contact).expect(201);
    const res = await request(t.app).get('/api/me/export').set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(res.body.user.email).toBe('alice@example.com');
    expect(res.body.contacts).toMatchObject([{ displayName: 'Dora Doctor', numbers: [{ label: 'work', number: '+49304444444' }] }]);
    expect(res.body.calls.map((c: { destination: string }) => c.destination).sort()).toEqual(['+4930111111', '+4930222222', '+4930333333']);
    expect(res.body.audit.some((a: { action: string }) => a.action === 'auth.login')).toBe(true);
    await request(t.app).get(`/api/users/${bob.id}/export`).set('Authorization', `Bearer ${alice.token}`).expect(403);
  });

  it('erases a user by crypto-shredding: their records stay as anonymous figures, others still read', async () => {
    const res = await request(t.app).post(`/api/users/${alice.id}/erase`).set('Authorization', `Bearer ${admin.token}`).expect(200);
    expect(res.body).toEqual({ records: 3 });
    const all = (await get(admin.token).expect(200)).body.items as Array<{ userId: string | null; destination: string | null; billsec: number }>;
    const anonymous = all.filter((i) => i.userId === null);
    expect(anonymous).toHaveLength(3);
    expect(anonymous.map((i) => [i.destination, typeof i.billsec])).toEqual([[null, 'number'], [null, 'number'], [null, 'number']]);
    expect(all.find((i) => i.userId === bob.id)?.destination).toBe('+4930999999');
    expect((await get(admin.token, '?number=%2B4930111111').expect(200)).body.items).toEqual([]);
    const trail = await t.services.audit.list({ limit: 5, action: 'user.erase' });
    expect(trail.items[0]).toMatchObject({ actorId: admin.id, targetId: alice.id, details: { records: 3 } });
  });

  it('never wrote a number into a log line', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const all = logLines.join('\n');
    for (const n of ['4930111111', '4930222222', '4930333333', '4930999999', '15551234567']) expect(all).not.toContain(n);
  });
});

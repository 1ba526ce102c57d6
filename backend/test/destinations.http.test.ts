// GET /api/destinations: what a number being typed would become, by the same
// classification and policy a call meets, counting and reserving nothing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

describe('GET /api/destinations', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ DEFAULT_COUNTRY: 'DE', ALLOWED_DESTINATIONS: 'DE,AT', USER_CALLS_PER_SECOND: '1' });
    await createUser(t, { email: 'typist@example.com' });
    await t.services.users.create({ email: 'ext@example.com', displayName: 'Ext', role: 'user', password: 'a long enough password', extension: '2001' }, { actor: { id: null, email: 'test' }, ip: null });
    token = (await request(t.app).post('/api/auth/login').send({ email: 'typist@example.com', password: 'a long enough password' }).expect(200)).body.accessToken as string;
  });
  afterAll(() => t?.close());

  const preview = (number: string) => request(t.app).get('/api/destinations').query({ number }).set('Authorization', `Bearer ${token}`);

  it.each([
    ['030 1234567', { kind: 'e164', number: '+49301234567', country: 'DE', allowed: true, reason: 'allowed' }],
    ['+43 1 5123456', { kind: 'e164', number: '+4315123456', country: 'AT', allowed: true, reason: 'allowed' }],
    ['0033 1 42 68 53 00', { kind: 'e164', number: '+33142685300', country: 'FR', allowed: false, reason: 'destination_not_allowed' }],
    ['0900 1234567', { kind: 'e164', country: 'DE', allowed: false, reason: 'premium_rate' }],
    ['+881 6 3123 4567', { allowed: false, reason: 'fraud_prefix' }],
    ['2001', { kind: 'extension', number: '2001', country: null, allowed: true, reason: 'extension' }],
    ['112', { kind: 'emergency', number: '112', allowed: true, reason: 'emergency' }],
    ['12', { kind: 'invalid', number: null, allowed: false, reason: 'invalid_number' }],
  ])('%s', async (number, expected) => {
    const res = await preview(number).expect(200);
    expect(res.body).toMatchObject(expected);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('counts no attempt and reserves nothing: many previews, then a real decision still passes the rate limit', async () => {
    for (let i = 0; i < 5; i++) await preview('030 1234567').expect(200);
    const { count } = await t.state.counters.hit(`cps:user:${(await t.services.users.findByEmail('typist@example.com'))!.id}`, 1000);
    expect(count).toBe(1);
  });

  it('refuses bad input with a 400 naming the field, and needs a session', async () => {
    for (const number of ['', 'abc', '030; DROP TABLE', '1'.repeat(41), '${system(id)}']) {
      const res = await preview(number).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body.error.details)).toContain('number');
    }
    await request(t.app).get('/api/destinations').set('Authorization', `Bearer ${token}`).query({ number: '030', extra: '1' }).expect(400);
    await request(t.app).get('/api/destinations').query({ number: '030 1234567' }).expect(401);
  });
});

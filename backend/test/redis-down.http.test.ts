// Redis away: what needs it (sign-in and refresh count attempts there, live
// calls live there) answers 503 with Retry-After, and what does not need it
// goes on. The address below has nothing listening, as a Redis that is down.
import { createServer } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const PASSWORD = 'a long enough password';

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('with Redis down', () => {
  let t: TestApp;
  let token: string;
  let refreshToken: string;

  beforeAll(async () => {
    t = await startTestApp({}, { redisUrl: `redis://127.0.0.1:${await deadPort()}` });
    await createUser(t, { email: 'nora@example.com', password: PASSWORD });
    // A session made while Redis was still there (the service itself needs no Redis).
    const session = await t.services.auth.login('nora@example.com', PASSWORD, null);
    token = session.accessToken;
    refreshToken = session.refresh.token;
  });
  afterAll(() => t?.close());

  it('answers sign-in with 503 and Retry-After, and signs nobody in', async () => {
    const res = await request(t.app).post('/api/auth/login').send({ email: 'nora@example.com', password: PASSWORD }).expect(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error.code).toBe('unavailable');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers a refresh with 503 and Retry-After, and leaves the refresh token unspent', async () => {
    const res = await request(t.app).post('/api/auth/refresh').set('Cookie', `sipcall_refresh=${refreshToken}`).expect(503);
    expect(res.headers['retry-after']).toBe('5');
    const spent = await t.db.dataSource.query<Array<{ used_at: Date | null }>>(`SELECT used_at FROM refresh_tokens WHERE used_at IS NOT NULL`);
    expect(spent).toEqual([]);
  });

  it('answers the live-call list with 503, which needs Redis', async () => {
    const res = await request(t.app).get('/api/calls').set('Authorization', `Bearer ${token}`).expect(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('still serves what does not need Redis', async () => {
    await request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await request(t.app).get('/api/history').set('Authorization', `Bearer ${token}`).expect(200);
    await request(t.app).get('/api/destinations?number=030123456').set('Authorization', `Bearer ${token}`).expect(200);
    await request(t.app).get('/healthz').expect(200);
  });

  it('says in /readyz that Redis is what is missing', async () => {
    const res = await request(t.app).get('/readyz').expect(503);
    expect(res.body.checks.redis.status).toBe('down');
  });
});

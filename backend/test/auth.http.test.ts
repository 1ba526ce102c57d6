import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE } from '../src/auth/auth.routes.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const PASSWORD = 'correct horse battery staple';

function refreshCookie(res: request.Response): string {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = raw.find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
  if (!cookie) throw new Error('no refresh cookie set');
  return cookie.split(';')[0]!;
}

describe('authentication over HTTP', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT_MAX: '1000' });
    userId = (await createUser(t, { email: 'ann@example.com', password: PASSWORD })).id;
    const offId = (await createUser(t, { email: 'off@example.com', password: PASSWORD })).id;
    await t.services.users.update(offId, { disabled: true }, { actor: { id: null, email: 'test' }, ip: null });
  });
  afterAll(() => t?.close());

  const login = (email: string, password: string) => request(t.app).post('/api/auth/login').send({ email, password });
  const me = (token: string) => request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  it('signs in with the right password: a short-lived bearer token and an httpOnly refresh cookie', async () => {
    const res = await login('ANN@example.com', PASSWORD).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 600, user: { id: userId, email: 'ann@example.com', role: 'user' } });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    const claims = jwt.decode(res.body.accessToken, { complete: true })!;
    expect(claims.header.alg).toBe('HS256');
    expect(claims.payload).toMatchObject({ sub: userId, aud: 'sipcall-api', iss: 'sipcall', role: 'user' });
    expect((await me(res.body.accessToken).expect(200)).body.user.email).toBe('ann@example.com');
  });

  it('answers 401 to a wrong password and records the failure', async () => {
    const res = await login('ann@example.com', 'wrong password!').expect(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    const trail = await t.services.audit.list({ limit: 1, action: 'auth.login' });
    expect(trail.items[0]).toMatchObject({ outcome: 'failed', actorId: userId, details: { reason: 'wrong_password' } });
    expect(trail.items[0]!.ip).toMatch(/127\.0\.0\.1/);
  });

  it('answers 401 to an unknown email with the same message', async () => {
    const res = await login('nobody@example.com', PASSWORD).expect(401);
    expect(res.body.error).toEqual({ code: 'invalid_credentials', message: 'Wrong email or password' });
  });

  it('answers 401 to a disabled user, even with the right password', async () => {
    expect((await login('off@example.com', PASSWORD).expect(401)).body.error.code).toBe('account_disabled');
  });

  describe('access tokens', () => {
    /** A live session of Ann's, for tokens made by hand. */
    let sid: string;
    let bobId: string;
    beforeAll(async () => {
      bobId = (await createUser(t, { email: 'bob@example.com', password: PASSWORD })).id;
      const { accessToken } = (await login('ann@example.com', PASSWORD).expect(200)).body as { accessToken: string };
      sid = (jwt.decode(accessToken) as { sid: string }).sid;
    });
    const sign = (payload: object, secret: string, options: jwt.SignOptions) =>
      jwt.sign({ sid, ...payload }, secret, { subject: userId, issuer: 'sipcall', audience: 'sipcall-api', expiresIn: 300, ...options });

    it('accepts a token signed as we sign them', async () => {
      await me(sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256' })).expect(200);
    });

    it.each([
      ['expired', () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', expiresIn: -60 }), 'token_expired'],
      ['signed with another key', () => sign({ role: 'user' }, 'another key that is long enough 0123456789', { algorithm: 'HS256' }), 'invalid_token'],
      ['for another audience', () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', audience: 'other-api' }), 'invalid_token'],
      ['from another issuer', () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', issuer: 'someone' }), 'invalid_token'],
      ['with another HMAC algorithm', () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS512' }), 'invalid_token'],
      ['with an unknown role', () => sign({ role: 'root' }, t.config.auth.jwtSecret, { algorithm: 'HS256' }), 'invalid_token'],
      ['without an expiry', () => jwt.sign({ sid, role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: userId, issuer: 'sipcall', audience: 'sipcall-api' }), 'invalid_token'],
      ['whose subject is not a user id', () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: "1' OR '1'='1" }), 'invalid_token'],
      ['whose subject is a number-like id', () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: '9999999999999999999' }), 'invalid_token'],
      ['without a session', () => sign({ role: 'user', sid: undefined }, t.config.auth.jwtSecret, { algorithm: 'HS256' }), 'invalid_token'],
      ['of a session that never was', () => sign({ role: 'user', sid: '00000000-0000-4000-8000-000000000000' }, t.config.auth.jwtSecret, { algorithm: 'HS256' }), 'session_ended'],
      ["of another user's session", () => sign({ role: 'user' }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: bobId }), 'session_ended'],
      [
        'with alg none',
        () => {
          const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: userId, role: 'admin', iss: 'sipcall', aud: 'sipcall-api', iat: now, exp: now + 300 })}.`;
        },
        'invalid_token',
      ],
    ])('refuses a token %s with 401', async (_what, make, code) => {
      const res = await me(make()).expect(401);
      expect(res.body.error.code).toBe(code);
    });

    it('refuses a request without a bearer token, and a malformed header', async () => {
      expect((await request(t.app).get('/api/auth/me').expect(401)).body.error.code).toBe('unauthorized');
      expect((await request(t.app).get('/api/auth/me').set('Authorization', 'Basic YTpi').expect(401)).body.error.code).toBe('invalid_token');
    });

    it('stops honouring a valid token as soon as the user is disabled', async () => {
      const u = await createUser(t, { email: 'soon-off@example.com', password: PASSWORD });
      const { accessToken } = (await login('soon-off@example.com', PASSWORD).expect(200)).body;
      await me(accessToken).expect(200);
      await t.services.users.update(u.id, { disabled: true }, { actor: { id: null, email: 'test' }, ip: null });
      expect((await me(accessToken).expect(401)).body.error.code).toBe('account_disabled');
    });
  });

  describe('refresh tokens', () => {
    it('rotates: each refresh returns a new access token and a new cookie, the old cookie is spent', async () => {
      const first = await login('ann@example.com', PASSWORD).expect(200);
      const c1 = refreshCookie(first);
      const second = await request(t.app).post('/api/auth/refresh').set('Cookie', c1).expect(200);
      const c2 = refreshCookie(second);
      expect(c2).not.toBe(c1);
      await me(second.body.accessToken).expect(200);
      const third = await request(t.app).post('/api/auth/refresh').set('Cookie', c2).expect(200);
      expect(refreshCookie(third)).not.toBe(c2);
    });

    it('revokes the whole family when a used refresh token is replayed', async () => {
      const first = await login('ann@example.com', PASSWORD).expect(200);
      const stolen = refreshCookie(first);
      const legit = refreshCookie(await request(t.app).post('/api/auth/refresh').set('Cookie', stolen).expect(200));

      const replay = await request(t.app).post('/api/auth/refresh').set('Cookie', stolen).expect(401);
      expect(replay.body.error.code).toBe('refresh_token_reused');
      // the legitimate holder's newer token died with the family
      expect((await request(t.app).post('/api/auth/refresh').set('Cookie', legit).expect(401)).body.error.code).toBe('invalid_refresh_token');
      const trail = await t.services.audit.list({ limit: 1, action: 'auth.refresh_reuse' });
      expect(trail.items[0]).toMatchObject({ outcome: 'denied', actorId: userId });
    });

    it('ends the session on logout', async () => {
      const res = await login('ann@example.com', PASSWORD).expect(200);
      const cookie = refreshCookie(res);
      const out = await request(t.app).post('/api/auth/logout').set('Cookie', cookie).expect(204);
      expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).toMatch(/sipcall_refresh=;/);
      await request(t.app).post('/api/auth/refresh').set('Cookie', cookie).expect(401);
    });

    it('stops honouring the access token of a session that signed out, and issues it nothing', async () => {
      const res = await login('ann@example.com', PASSWORD).expect(200);
      const token = res.body.accessToken as string;
      await me(token).expect(200);
      await request(t.app).post('/api/auth/logout').set('Cookie', refreshCookie(res)).expect(204);
      const credentialsBefore = await t.db.dataSource.query<unknown[]>(`SELECT 1 FROM sip_credentials WHERE user_id = $1`, [userId]);
      expect((await me(token).expect(401)).body.error.code).toBe('session_ended');
      const sip = await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${token}`).expect(401);
      expect(sip.body.error.code).toBe('session_ended');
      expect(await t.db.dataSource.query<unknown[]>(`SELECT 1 FROM sip_credentials WHERE user_id = $1`, [userId])).toEqual(credentialsBefore);
    });

    it('stops honouring the access tokens of a family revoked for refresh-token reuse', async () => {
      const first = await login('ann@example.com', PASSWORD).expect(200);
      const stolen = refreshCookie(first);
      const rotated = await request(t.app).post('/api/auth/refresh').set('Cookie', stolen).expect(200);
      await me(rotated.body.accessToken).expect(200);
      await request(t.app).post('/api/auth/refresh').set('Cookie', stolen).expect(401);
      for (const token of [first.body.accessToken as string, rotated.body.accessToken as string]) {
        expect((await me(token).expect(401)).body.error.code).toBe('session_ended');
      }
    });

    it('leaves the other sessions of the same user alone', async () => {
      const kept = await login('ann@example.com', PASSWORD).expect(200);
      const ended = await login('ann@example.com', PASSWORD).expect(200);
      await request(t.app).post('/api/auth/logout').set('Cookie', refreshCookie(ended)).expect(204);
      await me(kept.body.accessToken).expect(200);
    });

    it('refuses a refresh without a cookie, or with a malformed one', async () => {
      await request(t.app).post('/api/auth/refresh').expect(401);
      await request(t.app).post('/api/auth/refresh').set('Cookie', `${REFRESH_COOKIE}=<script>`).expect(401);
    });
  });
});

describe('login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT_MAX: '3', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '600' });
    await createUser(t, { email: 'rl@example.com', password: PASSWORD });
  });
  afterAll(() => t?.close());

  it('lets any number of good sign-ins from one address through at once: only failures count', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(t.app).post('/api/auth/login').send({ email: 'rl@example.com', password: PASSWORD })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    await t.db.dataSource.query('DELETE FROM refresh_tokens');
  });

  it('answers 429 after the configured failures, and a forged X-Forwarded-For does not reset it', async () => {
    for (let i = 0; i < 3; i++) {
      await request(t.app).post('/api/auth/login').send({ email: 'rl@example.com', password: `wrong ${i} password` }).expect(401);
    }
    const limited = await request(t.app).post('/api/auth/login').send({ email: 'rl@example.com', password: PASSWORD }).expect(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    for (const forged of ['203.0.113.7', '198.51.100.1, 203.0.113.9', '::1']) {
      await request(t.app)
        .post('/api/auth/login')
        .set('X-Forwarded-For', forged)
        .send({ email: 'rl@example.com', password: PASSWORD })
        .expect(429);
    }
    // the blocked attempts with the right password issued no session
    const sessions = await t.db.dataSource.query('SELECT count(*)::int AS n FROM refresh_tokens');
    expect(sessions[0].n).toBe(0);
  });
});

describe('login rate limit per account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT_MAX: '100', LOGIN_ACCOUNT_RATE_LIMIT_MAX: '3', TRUST_PROXY: 'loopback' });
    await createUser(t, { email: 'target@example.com', password: PASSWORD });
    await createUser(t, { email: 'bystander@example.com', password: PASSWORD });
  });
  afterAll(() => t?.close());

  const attempt = (ip: string, email: string, password: string) => request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('stops guessing one account from many addresses, and leaves other accounts alone', async () => {
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) await attempt(ip, 'target@example.com', 'a wrong guess here').expect(401);
    const limited = await attempt('203.0.113.4', 'TARGET@example.com', PASSWORD).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.db.dataSource.query('SELECT 1 FROM refresh_tokens')).toEqual([]);
    await attempt('203.0.113.4', 'bystander@example.com', PASSWORD).expect(200);
  });
});

describe('login rate limit behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT_MAX: '2', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => t?.close());

  it('counts per client address the proxy reports', async () => {
    const attempt = (ip: string) =>
      request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: 'x@example.com', password: 'wrong password' });
    await attempt('203.0.113.1').expect(401);
    await attempt('203.0.113.1').expect(401);
    await attempt('203.0.113.1').expect(429);
    await attempt('203.0.113.2').expect(401);
  });
});

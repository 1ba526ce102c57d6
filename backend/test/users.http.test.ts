import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const PASSWORD = 'the admin password is long';

describe('user administration over HTTP', () => {
  let t: TestApp;
  let admin: string;
  let user: string;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminId = (await createUser(t, { email: 'root@example.com', role: 'admin', password: PASSWORD })).id;
    await createUser(t, { email: 'plain@example.com', password: PASSWORD });
    const signIn = async (email: string) => (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
    admin = await signIn('root@example.com');
    user = await signIn('plain@example.com');
  });
  afterAll(() => t?.close());

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string) => request(t.app).post(url).set('Authorization', `Bearer ${token}`),
    patch: (url: string) => request(t.app).patch(url).set('Authorization', `Bearer ${token}`),
    delete: (url: string) => request(t.app).delete(url).set('Authorization', `Bearer ${token}`),
  });
  const count = async (table: 'users' | 'audit_log') => Number((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('lists every kind of target the trail is about, and filters by kind and by target; an unknown kind is a 400 that lists nothing', async () => {
    const someone = (await as(admin).post('/api/users').send({ email: 'target@example.com', displayName: 'Target', password: 'target person password' }).expect(201)).body.user.id as string;
    await as(admin).post('/api/dids').send({ number: '+49 30 5550100', userId: someone }).expect(201);

    const all = (await as(admin).get('/api/audit/targets').expect(200)).body.targets as Array<{ type: string; id: string }>;
    expect(all).toEqual(expect.arrayContaining([{ type: 'did', id: '+49305550100' }, { type: 'user', id: someone }]));
    expect(all[0]).toEqual({ type: 'did', id: '+49305550100' });
    const numbers = (await as(admin).get('/api/audit/targets?type=did').expect(200)).body.targets as Array<{ type: string }>;
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((x) => x.type === 'did')).toBe(true);

    const byNumber = await as(admin).get('/api/audit?targetType=did&targetId=%2B49305550100').expect(200);
    expect(byNumber.body.items.map((e: { action: string }) => e.action)).toEqual(['did.assign']);
    const byKind = await as(admin).get('/api/audit?targetType=did').expect(200);
    expect(byKind.body.items.every((e: { targetType: string }) => e.targetType === 'did')).toBe(true);
    expect((await as(admin).get(`/api/audit?targetType=did&targetId=${someone}`).expect(200)).body.items).toEqual([]);

    for (const url of ['/api/audit?targetType=switch', '/api/audit/targets?type=planet', '/api/audit/targets?limit=0']) {
      const res = await as(admin).get(url).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.items).toBeUndefined();
    }
    await as(user).get('/api/audit/targets').expect(403);
  });

  it('lets an admin create, read, change and delete a user, each step in the audit log', async () => {
    const created = await as(admin).post('/api/users').send({ email: 'New@Example.com', displayName: 'New Person', password: 'new person password' }).expect(201);
    const id = created.body.user.id as string;
    expect(created.body.user).toMatchObject({ email: 'new@example.com', role: 'user', disabled: false });

    expect((await as(admin).get(`/api/users/${id}`).expect(200)).body.user.displayName).toBe('New Person');
    expect((await as(admin).patch(`/api/users/${id}`).send({ role: 'admin' }).expect(200)).body.user.role).toBe('admin');
    expect((await as(admin).patch(`/api/users/${id}`).send({ disabled: true }).expect(200)).body.user.disabled).toBe(true);

    // the new password works once the account is enabled again
    await as(admin).patch(`/api/users/${id}`).send({ disabled: false, password: 'a brand new password' }).expect(200);
    await request(t.app).post('/api/auth/login').send({ email: 'new@example.com', password: 'a brand new password' }).expect(200);

    await as(admin).delete(`/api/users/${id}`).expect(204);
    await as(admin).get(`/api/users/${id}`).expect(404);

    const trail = await as(admin).get(`/api/audit?targetId=${id}&limit=20`).expect(200);
    const actions = (trail.body.items as Array<{ action: string; actorId: string }>).map((e) => e.action).reverse();
    expect(actions).toEqual(['user.create', 'user.role_change', 'user.update', 'user.update', 'user.delete']);
    expect(trail.body.items.every((e: { actorId: string }) => e.actorId === adminId)).toBe(true);

    // By time: the whole trail lies within the test's own minutes, none of it in the future.
    const at = (trail.body.items as Array<{ at: string }>).map((e) => Date.parse(e.at));
    const within = await as(admin).get(`/api/audit?targetId=${id}&from=${new Date(Math.min(...at)).toISOString()}&to=${new Date(Math.max(...at) + 1).toISOString()}`).expect(200);
    expect(within.body.items).toHaveLength(5);
    const later = await as(admin).get(`/api/audit?targetId=${id}&from=${new Date(Math.max(...at) + 1).toISOString()}`).expect(200);
    expect(later.body.items).toEqual([]);
    await as(admin).get('/api/audit?from=yesterday').expect(400);
  });

  it('lists users page by page', async () => {
    const page = await as(admin).get('/api/users?limit=1').expect(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toBe('plain@example.com');
    const next = await as(admin).get(`/api/users?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`).expect(200);
    expect(next.body.items[0].email).toBe('root@example.com');
  });

  it('refuses the user routes and the audit log to a non-admin with 403, and changes nothing', async () => {
    const before = await count('users');
    expect((await as(user).get('/api/users').expect(403)).body.error.code).toBe('forbidden');
    await as(user).post('/api/users').send({ email: 'x@example.com', displayName: 'X', password: 'whatever long password' }).expect(403);
    await as(user).patch(`/api/users/${adminId}`).send({ role: 'user' }).expect(403);
    await as(user).get('/api/audit').expect(403);
    expect(await count('users')).toBe(before);
  });

  it('refuses to demote the last admin with 409', async () => {
    const res = await as(admin).patch(`/api/users/${adminId}`).send({ role: 'user' }).expect(409);
    expect(res.body.error.code).toBe('last_admin');
  });

  it('answers 409 to a duplicate email and writes nothing', async () => {
    const [users, audit] = [await count('users'), await count('audit_log')];
    const res = await as(admin).post('/api/users').send({ email: 'plain@example.com', displayName: 'Dup', password: 'duplicate password' }).expect(409);
    expect(res.body.error.code).toBe('email_taken');
    expect([await count('users'), await count('audit_log')]).toEqual([users, audit]);
  });
});

describe('input validation at the edge', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_KB: '4' });
    await createUser(t, { email: 'root@example.com', role: 'admin', password: PASSWORD });
    admin = (await request(t.app).post('/api/auth/login').send({ email: 'root@example.com', password: PASSWORD }).expect(200)).body.accessToken;
  });
  afterAll(() => t?.close());

  const snapshot = async () =>
    (await t.db.dataSource.query(`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM audit_log)::int AS audit`))[0];
  const post = (body: string | object, type = 'application/json') =>
    request(t.app).post('/api/users').set('Authorization', `Bearer ${admin}`).set('Content-Type', type).send(body);

  it.each([
    ['malformed JSON', '{"email": "a@example.com",', 400, 'malformed_json'],
    ['an unknown field', { email: 'a@example.com', displayName: 'A', password: 'long enough password', isRoot: true }, 400, 'validation_failed'],
    ['a wrong type', { email: 'a@example.com', displayName: 42, password: 'long enough password' }, 400, 'validation_failed'],
    ['an unknown role', { email: 'a@example.com', displayName: 'A', role: 'root', password: 'long enough password' }, 400, 'validation_failed'],
    ['a bad email', { email: 'not-an-email', displayName: 'A', password: 'long enough password' }, 400, 'validation_failed'],
    ['a short password', { email: 'a@example.com', displayName: 'A', password: 'short' }, 400, 'validation_failed'],
    ['a common password', { email: 'a@example.com', displayName: 'A', password: 'password1234' }, 400, 'validation_failed'],
    ['a common password in l33t', { email: 'a@example.com', displayName: 'A', password: 'P@ssw0rd2024!' }, 400, 'validation_failed'],
    ['a keyboard row', { email: 'a@example.com', displayName: 'A', password: 'qwertyuiopas' }, 400, 'validation_failed'],
    ['a word with digits tacked on', { email: 'a@example.com', displayName: 'A', password: 'superman1234' }, 400, 'validation_failed'],
    ['a password made of the email', { email: 'gustav.mahler@example.com', displayName: 'G', password: 'gustav.mahler@example.com' }, 400, 'validation_failed'],
    ['a password made of the name', { email: 'gm@example.com', displayName: 'Gustav Mahler', password: 'GustavMahler1' }, 400, 'validation_failed'],
    ['a JSON array', [1, 2, 3], 400, 'validation_failed'],
    ['an oversize body', { email: 'a@example.com', displayName: 'A', password: 'x'.repeat(8 * 1024) }, 413, 'payload_too_large'],
  ])('answers %s with an error code and writes nothing', async (_what, body, status, code) => {
    const before = await snapshot();
    const res = await post(body as object).expect(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(await snapshot()).toEqual(before);
  });

  it('says why a guessable password is refused, naming the field', async () => {
    const res = await post({ email: 'gm@example.com', displayName: 'Gustav Mahler', password: 'GustavMahler1' }).expect(400);
    expect(res.body.error.details.issues).toEqual([{ path: 'body.password', message: "must not be made of the account's email or name" }]);
  });

  it('refuses a guessable new password for an existing user and keeps the old one', async () => {
    const u = await createUser(t, { email: 'keeps@example.com', password: 'a long enough password' });
    const before = (await t.services.users.findById(u.id))!.passwordHash;
    await request(t.app).patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ password: 'keeps@example.com' }).expect(400);
    expect((await t.services.users.findById(u.id))!.passwordHash).toBe(before);
  });

  it('names the offending field', async () => {
    const res = await post({ email: 'a@example.com', displayName: 42, password: 'long enough password' }).expect(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ path: 'body.displayName' })]);
  });

  it('refuses a body that is not JSON', async () => {
    const before = await snapshot();
    await post('email=a@example.com', 'application/x-www-form-urlencoded').expect(400);
    expect(await snapshot()).toEqual(before);
  });

  it('validates route params and query strings', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    expect((await request(t.app).get('/api/users/not-a-uuid').set(auth).expect(400)).body.error.details.issues[0].path).toBe('params.id');
    expect((await request(t.app).get('/api/users?limit=100000').set(auth).expect(400)).body.error.details.issues[0].path).toBe('query.limit');
    await request(t.app).get('/api/users?limit=1&limit=2').set(auth).expect(400);
    await request(t.app).get('/api/users?unexpected=1').set(auth).expect(400);
    await request(t.app).get('/api/audit?cursor=1;drop').set(auth).expect(400);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    expect((await request(t.app).get('/api/nothing-here').expect(404)).body.error.code).toBe('not_found');
  });

  it('hides internals behind a 500', async () => {
    await t.db.dataSource.query('ALTER TABLE users RENAME TO users_gone');
    try {
      const res = await request(t.app).get('/api/users').set('Authorization', `Bearer ${admin}`).expect(500);
      expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
      expect(JSON.stringify(res.body)).not.toMatch(/users|relation|stack/);
    } finally {
      await t.db.dataSource.query('ALTER TABLE users_gone RENAME TO users');
    }
  });
});

describe('health and security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://cloud.example.com' });
  });
  afterAll(() => t?.close());

  it('reports liveness, and with no switch configured readiness on the database and shared state alone', async () => {
    expect(t.config.switch.nodes).toEqual([]);
    expect((await request(t.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { database: { status: 'ok' }, [t.state.kind === 'redis' ? 'redis' : 'sharedState']: { status: 'ok' } },
    });
  });

  it('gives every response a request id, keeping a sane one the client sent', async () => {
    const res = await request(t.app).get('/healthz').set('X-Request-Id', 'client-abc-12345');
    expect(res.headers['x-request-id']).toBe('client-abc-12345');
    const fresh = await request(t.app).get('/healthz').set('X-Request-Id', 'bad id "<with>" spaces');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends helmet headers and a CSP', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows only configured CORS origins', async () => {
    const ok = await request(t.app).options('/api/auth/login').set('Origin', 'https://cloud.example.com').set('Access-Control-Request-Method', 'POST');
    expect(ok.headers['access-control-allow-origin']).toBe('https://cloud.example.com');
    const other = await request(t.app).options('/api/auth/login').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('readiness when a dependency is down', () => {
  it('answers 503 and names the failing check', async () => {
    const t = await startTestApp();
    try {
      await t.db.dataSource.destroy();
      const res = await request(t.app).get('/readyz').expect(503);
      expect(res.body.status).toBe('not_ready');
      expect(res.body.checks.database.status).toBe('down');
    } finally {
      await t.close();
    }
  });
});

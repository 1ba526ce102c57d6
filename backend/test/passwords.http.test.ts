import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from './support/smtp-peer.js';
import { until } from './support/until.js';

const OLD = 'the old password is long';
const NEW = 'a fresh passphrase for spring';

interface Signed {
  token: string;
  cookie: string;
}

async function signIn(t: TestApp, email: string, password = OLD): Promise<Signed> {
  const res = await request(t.app).post('/api/auth/login').send({ email, password }).expect(200);
  return { token: res.body.accessToken as string, cookie: (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]! };
}
const loginStatus = async (t: TestApp, email: string, password: string) => (await request(t.app).post('/api/auth/login').send({ email, password })).status;
const meStatus = async (t: TestApp, s: Signed) => (await request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${s.token}`)).status;
const refreshStatus = async (t: TestApp, s: Signed) => (await request(t.app).post('/api/auth/refresh').set('Cookie', s.cookie)).status;
const auditOf = async (t: TestApp, action: string, targetId: string) =>
  (await t.db.dataSource.query<Array<{ outcome: string; actor_id: string | null; details: Record<string, unknown> }>>(`SELECT outcome, actor_id, details FROM audit_log WHERE action = $1 AND target_id = $2 ORDER BY id`, [action, targetId]));

describe('changing one’s own password', () => {
  let t: TestApp;
  let annId: string;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_ACCOUNT_RATE_LIMIT_MAX: '10', LOGIN_RATE_LIMIT_MAX: '1000' });
    annId = (await createUser(t, { email: 'ann@example.com', password: OLD, displayName: 'Ann Smith' })).id;
    await createUser(t, { email: 'bob@example.com', password: OLD });
  });
  afterAll(() => t?.close());

  const change = (s: Signed, body: unknown) => request(t.app).post('/api/me/password').set('Authorization', `Bearer ${s.token}`).send(body as object);

  it('refuses a wrong current password with 403, and changes nothing: the password, the other sessions and their SIP credentials stay', async () => {
    const here = await signIn(t, 'ann@example.com');
    const there = await signIn(t, 'ann@example.com');
    await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${there.token}`).expect(200);
    const res = await change(here, { currentPassword: 'not my password at all', newPassword: NEW }).expect(403);
    expect(res.body.error.code).toBe('wrong_current_password');
    expect(await loginStatus(t, 'ann@example.com', OLD)).toBe(200);
    expect(await loginStatus(t, 'ann@example.com', NEW)).toBe(401);
    expect(await meStatus(t, there)).toBe(200);
    expect(await t.services.sip.a1For(annId, null)).not.toBeNull();
    expect((await auditOf(t, 'user.password_change', annId)).map((e) => e.outcome)).toEqual(['failed']);
  });

  it.each([
    ['a weak new password', { currentPassword: OLD, newPassword: 'password1234' }, 'body.newPassword'],
    ['a new password made of the name', { currentPassword: OLD, newPassword: 'ann@example.com' }, 'body.newPassword'],
    ['a short new password', { currentPassword: OLD, newPassword: 'short' }, 'body.newPassword'],
    ['no current password', { newPassword: NEW }, 'body.currentPassword'],
    ['an unknown field', { currentPassword: OLD, newPassword: NEW, role: 'admin' }, 'body'],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_what, body, path) => {
    const here = await signIn(t, 'ann@example.com');
    const res = await change(here, body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain(path);
    expect(await loginStatus(t, 'ann@example.com', OLD)).toBe(200);
    expect(await meStatus(t, here)).toBe(200);
  });

  it('sets the new password, keeps this session and ends every other one with its SIP credentials, audited', async () => {
    const here = await signIn(t, 'ann@example.com');
    const there = await signIn(t, 'ann@example.com');
    await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${there.token}`).expect(200);
    await change(here, { currentPassword: OLD, newPassword: NEW }).expect(204);

    expect(await meStatus(t, here)).toBe(200);
    expect(await refreshStatus(t, here)).toBe(200);
    expect(await meStatus(t, there)).toBe(401);
    expect(await refreshStatus(t, there)).toBe(401);
    expect(await t.services.sip.a1For(annId, null)).toBeNull();
    expect(await loginStatus(t, 'ann@example.com', OLD)).toBe(401);
    expect(await loginStatus(t, 'ann@example.com', NEW)).toBe(200);
    const trail = await auditOf(t, 'user.password_change', annId);
    expect(trail.at(-1)).toMatchObject({ outcome: 'ok', actor_id: annId });
  });

  it('counts wrong current passwords like failed sign-ins: past the limit it answers 429, even to the right one, and changes nothing', async () => {
    const here = await signIn(t, 'bob@example.com');
    for (let i = 0; i < 10; i++) await change(here, { currentPassword: `wrong guess number ${i}`, newPassword: NEW }).expect(403);
    const res = await change(here, { currentPassword: OLD, newPassword: NEW }).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(await loginStatus(t, 'bob@example.com', NEW)).not.toBe(200);
  });
});

describe('an admin resetting a password', () => {
  let t: TestApp;
  let admin: Signed;
  let user: Signed;
  let carlId: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { email: 'root@example.com', role: 'admin', password: OLD });
    carlId = (await createUser(t, { email: 'carl@example.com', password: OLD, displayName: 'Carl Jones' })).id;
    await createUser(t, { email: 'dora@example.com', password: OLD });
    admin = await signIn(t, 'root@example.com');
    user = await signIn(t, 'dora@example.com');
  });
  afterAll(() => t?.close());

  const reset = (s: Signed, id: string, body: unknown) => request(t.app).post(`/api/users/${id}/password`).set('Authorization', `Bearer ${s.token}`).send(body as object);

  it.each([
    ['a weak password', { password: 'password1234' }, 'validation_failed'],
    ['a password made of the account’s email', { password: 'carl@example.com' }, 'validation_failed'],
    ['no password', {}, 'validation_failed'],
    ['an unknown field', { password: NEW, disabled: true }, 'validation_failed'],
  ])('refuses %s with 400, and changes nothing', async (_what, body, code) => {
    const carl = await signIn(t, 'carl@example.com');
    expect((await reset(admin, carlId, body).expect(400)).body.error.code).toBe(code);
    expect(await loginStatus(t, 'carl@example.com', OLD)).toBe(200);
    expect(await meStatus(t, carl)).toBe(200);
  });

  it('answers 404 for an unknown account and 400 for an id that is not one', async () => {
    expect((await reset(admin, '11111111-1111-4111-8111-111111111111', { password: NEW }).expect(404)).body.error.code).toBe('not_found');
    expect((await reset(admin, 'carl', { password: NEW }).expect(400)).body.error.code).toBe('validation_failed');
  });

  it('refuses a non-admin with 403, and changes nothing', async () => {
    expect((await reset(user, carlId, { password: NEW }).expect(403)).body.error.code).toBe('forbidden');
    expect(await loginStatus(t, 'carl@example.com', OLD)).toBe(200);
  });

  it('sets the password and ends every session of the account with its SIP credentials, audited with the admin as actor', async () => {
    const carl = await signIn(t, 'carl@example.com');
    await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${carl.token}`).expect(200);
    expect(await t.services.sip.a1For(carlId, null)).not.toBeNull();

    await reset(admin, carlId, { password: NEW }).expect(204);
    expect(await meStatus(t, carl)).toBe(401);
    expect(await refreshStatus(t, carl)).toBe(401);
    expect(await t.services.sip.a1For(carlId, null)).toBeNull();
    expect(await loginStatus(t, 'carl@example.com', OLD)).toBe(401);
    expect(await loginStatus(t, 'carl@example.com', NEW)).toBe(200);
    expect(await meStatus(t, admin)).toBe(200);

    const trail = (await request(t.app).get(`/api/audit?action=user.password_reset&targetId=${carlId}`).set('Authorization', `Bearer ${admin.token}`).expect(200)).body.items;
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ outcome: 'ok', actorEmail: 'root@example.com', targetId: carlId });
  });

  it('says no password reset by mail is offered when no mail is configured, and refuses the request with 503', async () => {
    expect((await request(t.app).get('/api/auth/providers').expect(200)).body).toEqual({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: false });
    const res = await request(t.app).post('/api/auth/password/forgot').send({ email: 'carl@example.com' }).expect(503);
    expect(res.body.error.code).toBe('password_reset_unavailable');
    expect(Number((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM password_reset_tokens`))[0].n)).toBe(0);
  });
});

describe('a forgotten password, reset by mail', () => {
  let t: TestApp;
  let smtp: SmtpPeer;
  let eveId: string;
  let client = 0;
  /** A client address of its own per test (the app trusts the loopback proxy), so the address limit is the test's own. */
  let address = '';

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'SIPCall <phone@example.com>',
      PUBLIC_URL: 'https://phone.example.com',
      TRUST_PROXY: 'loopback',
      PASSWORD_RESET_RATE_LIMIT_MAX: '5',
      PASSWORD_RESET_EMAIL_RATE_LIMIT_MAX: '12',
    });
    eveId = (await createUser(t, { email: 'eve@example.com', password: OLD, displayName: 'Eve Adams' })).id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  const fresh = () => {
    address = `192.0.2.${++client}`;
    return address;
  };
  const forgot = (body: unknown, language?: string) => {
    const req = request(t.app).post('/api/auth/password/forgot').set('X-Forwarded-For', address);
    if (language) req.set('Accept-Language', language);
    return req.send(body as object);
  };
  const resetWith = (body: unknown) => request(t.app).post('/api/auth/password/reset').set('X-Forwarded-For', address).send(body as object);
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to.includes(to));
  const nextMail = async (to: string, before: number): Promise<ReceivedMail> => (await until(() => mailsTo(to), (m) => m.length > before))[before]!;
  const tokenIn = (mail: ReceivedMail) => {
    const link = /https:\/\/phone\.example\.com\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link, mail.text).not.toBeNull();
    return link![1]!;
  };
  const setPassword = async (password: string) => {
    await t.db.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [eveId, await t.passwords.hash(password)]);
  };

  it('offers the reset by mail', async () => {
    expect((await request(t.app).get('/api/auth/providers').expect(200)).body).toEqual({ password: true, passwordAdminsOnly: false, passwordReset: true, nextcloud: false });
  });

  it('answers an unknown address exactly as a known one, and mails only the account', async () => {
    fresh();
    const before = mailsTo('eve@example.com').length;
    const known = await forgot({ email: 'Eve@Example.com' }).expect(202);
    const unknown = await forgot({ email: 'nobody@example.com' }).expect(202);
    expect(unknown.body).toEqual(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    await nextMail('eve@example.com', before);
    await t.services.passwords.settle();
    expect(mailsTo('nobody@example.com')).toEqual([]);
  });

  it('mails a link that sets a new password once, ends every session, and is audited; a weak password first leaves the link usable', async () => {
    fresh();
    await setPassword(OLD);
    const session = await signIn(t, 'eve@example.com');
    const before = mailsTo('eve@example.com').length;
    await forgot({ email: 'eve@example.com' }).expect(202);
    const mail = await nextMail('eve@example.com', before);
    expect(mail.from).toBe('phone@example.com');
    expect(mail.headers['subject']).toBe('Reset your SIPCall password');
    expect(mail.text).toContain('Hello Eve Adams,');
    expect(mail.html).toContain('href="https://phone.example.com/reset-password?token=');
    const token = tokenIn(mail);

    const weak = await resetWith({ token, password: 'password1234' }).expect(400);
    expect(weak.body.error.code).toBe('validation_failed');
    expect(await loginStatus(t, 'eve@example.com', OLD)).toBe(200);

    await resetWith({ token, password: NEW }).expect(204);
    expect(await meStatus(t, session)).toBe(401);
    expect(await loginStatus(t, 'eve@example.com', OLD)).toBe(401);
    expect(await loginStatus(t, 'eve@example.com', NEW)).toBe(200);
    expect((await auditOf(t, 'auth.password_reset', eveId)).map((e) => e.outcome)).toEqual(['ok']);

    const again = await resetWith({ token, password: 'yet another long passphrase' }).expect(400);
    expect(again.body.error.code).toBe('reset_token_used');
    expect(await loginStatus(t, 'eve@example.com', NEW)).toBe(200);
  });

  it('stores only the link’s SHA-256, and writes it in the language asked for', async () => {
    fresh();
    const before = mailsTo('eve@example.com').length;
    await forgot({ email: 'eve@example.com' }, 'de-DE,de;q=0.9,en;q=0.5').expect(202);
    const mail = await nextMail('eve@example.com', before);
    expect(mail.headers['subject']).toContain('Passwort');
    expect(mail.text).toContain('Hallo Eve Adams,');
    const token = tokenIn(mail);
    const rows = await t.db.dataSource.query<Array<{ token_hash: string }>>(`SELECT token_hash FROM password_reset_tokens WHERE user_id = $1`, [eveId]);
    const { createHash } = await import('node:crypto');
    expect(rows.map((r) => r.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(JSON.stringify(rows)).not.toContain(token);

    const french = mailsTo('eve@example.com').length;
    await forgot({ email: 'eve@example.com', language: 'fr' }, 'de').expect(202);
    expect((await nextMail('eve@example.com', french)).text).toContain('Bonjour Eve Adams,');
  });

  it('voids the earlier link when a new one is asked for', async () => {
    fresh();
    await setPassword(OLD);
    const before = mailsTo('eve@example.com').length;
    await forgot({ email: 'eve@example.com' }).expect(202);
    const first = tokenIn(await nextMail('eve@example.com', before));
    await forgot({ email: 'eve@example.com' }).expect(202);
    const second = tokenIn(await nextMail('eve@example.com', before + 1));

    expect((await resetWith({ token: first, password: NEW }).expect(400)).body.error.code).toBe('reset_token_invalid');
    expect(await loginStatus(t, 'eve@example.com', OLD)).toBe(200);
    await resetWith({ token: second, password: NEW }).expect(204);
    expect(await loginStatus(t, 'eve@example.com', NEW)).toBe(200);
  });

  it('refuses an expired link with 400 and changes nothing', async () => {
    fresh();
    await setPassword(OLD);
    const before = mailsTo('eve@example.com').length;
    await forgot({ email: 'eve@example.com' }).expect(202);
    const token = tokenIn(await nextMail('eve@example.com', before));
    await t.db.dataSource.query(`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [eveId]);
    expect((await resetWith({ token, password: NEW }).expect(400)).body.error.code).toBe('reset_token_expired');
    expect(await loginStatus(t, 'eve@example.com', OLD)).toBe(200);
  });

  it.each([
    ['an unknown token', { token: 'A'.repeat(43), password: NEW }, 'reset_token_invalid'],
    ['a token of the wrong shape', { token: 'not a token', password: NEW }, 'reset_token_invalid'],
    ['no token', { password: NEW }, 'validation_failed'],
    ['no password', { token: 'A'.repeat(43) }, 'validation_failed'],
  ])('refuses %s with 400 and changes nothing', async (_what, body, code) => {
    fresh();
    await setPassword(OLD);
    expect((await resetWith(body).expect(400)).body.error.code).toBe(code);
    expect(await loginStatus(t, 'eve@example.com', OLD)).toBe(200);
  });

  it('refuses a malformed request for a link with 400, and sends nothing', async () => {
    fresh();
    const before = smtp.received.length;
    expect((await forgot({ email: 'not an address' }).expect(400)).body.error.code).toBe('validation_failed');
    expect((await forgot({ email: 'eve@example.com', language: 'xx' }).expect(400)).body.error.code).toBe('validation_failed');
    await t.services.passwords.settle();
    expect(smtp.received.length).toBe(before);
  });

  it('limits the links asked for one email, from any address, and those asked from one address', async () => {
    await t.db.dataSource.query(`DELETE FROM password_reset_tokens`);
    // per email: 12 in the window, whichever addresses ask
    for (let i = 0; i < 12; i++) {
      fresh();
      await forgot({ email: 'limited@example.com' }).expect(202);
    }
    fresh();
    expect((await forgot({ email: 'limited@example.com' }).expect(429)).body.error.code).toBe('rate_limited');
    await forgot({ email: 'other@example.com' }).expect(202);

    // per address: 5 in the window, whatever the emails
    fresh();
    for (let i = 0; i < 5; i++) await forgot({ email: `someone${i}@example.com` }).expect(202);
    const res = await forgot({ email: 'eve@example.com' }).expect(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    await t.services.passwords.settle();
    expect(Number((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM password_reset_tokens`))[0].n)).toBe(0);
  });
});

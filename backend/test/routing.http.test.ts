// The mod_xml_curl endpoint on the real captured requests, and on those
// requests changed to come from SIPCall users: directory answers, routing
// decisions, inbound DIDs, caps under parallel load, and bad input.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { a1Hash, digestResponse } from '../src/sip/sip-credentials.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { captureForm as form, httpCapture } from './support/fixtures.js';

const SWITCH_PASSWORD = 'switch-http-password-123';
const DOMAIN = 'sip.example.com';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

interface Decision {
  context: string;
  actions: Array<{ application: string; data?: string }>;
}

function decisionOf(text: string): Decision {
  const doc = xml.parse(text) as { document: { section: { name: string; context: { name: string; extension: { condition: { action: unknown } } } } } };
  expect(doc.document.section.name).toBe('dialplan');
  const actions = doc.document.section.context.extension.condition.action;
  return { context: doc.document.section.context.name, actions: (Array.isArray(actions) ? actions : [actions]) as Decision['actions'] };
}

describe('the switch HTTP endpoint', () => {
  let t: TestApp;
  let alice: { id: string };
  let bob: { id: string };
  const post = (body: string, auth = `freeswitch:${SWITCH_PASSWORD}`) =>
    request(t.app).post('/freeswitch/xml').set('Authorization', `Basic ${Buffer.from(auth).toString('base64')}`).type('form').send(body);

  beforeAll(async () => {
    t = await startTestApp({
      SWITCH_HTTP_PASSWORD: SWITCH_PASSWORD,
      SIP_DOMAIN: DOMAIN,
      DEFAULT_COUNTRY: 'DE',
      ALLOWED_DESTINATIONS: 'DE,US',
      USER_MAX_CONCURRENT_CALLS: '2',
      USER_CALLS_PER_SECOND: '100',
      GLOBAL_CALLS_PER_SECOND: '1000',
      MAX_CALL_SECONDS: '900',
      TRUST_PROXY: 'loopback',
    });
    alice = await createUser(t, { email: 'alice@example.com', displayName: 'Alice ${system(rm)} <x>' });
    bob = await t.services.users.create({ email: 'bob@example.com', displayName: 'Bob', role: 'user', password: 'a long enough password', extension: '2001' }, { actor: { id: null, email: 'test' }, ip: null });
  });
  afterAll(() => t?.close());

  const allowCall = (user: string, dest: string, uuid = crypto.randomUUID()) =>
    form('xml-curl-dialplan-internal-user.http', { 'Unique-ID': uuid, 'Hunt-Destination-Number': dest, 'Caller-Destination-Number': dest, variable_sipcall_user_id: user, variable_user_name: user });

  describe('who may call', () => {
    it('refuses a request without credentials with 401 and no decision', async () => {
      const res = await request(t.app).post('/freeswitch/xml').type('form').send(form('xml-curl-dialplan-internal-user.http'));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      expect(res.text).not.toContain('<document');
    });

    it('refuses wrong credentials with 401', async () => {
      expect((await post(form('xml-curl-dialplan-internal-user.http'), 'freeswitch:wrong')).status).toBe(401);
    });

    it('refuses an address that is not a switch with 403, even with the right password', async () => {
      const res = await request(t.app)
        .post('/freeswitch/xml')
        .set('X-Forwarded-For', '203.0.113.50')
        .set('Authorization', `Basic ${Buffer.from(`freeswitch:${SWITCH_PASSWORD}`).toString('base64')}`)
        .type('form')
        .send(allowCall(alice.id, '0301234567'));
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('bridge');
    });
  });

  describe('the real captured requests, as they are', () => {
    it('answers the start-up network-list lookup with "not found"', async () => {
      const res = await post(form('xml-curl-directory-network-list-startup.http')).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/xml/);
      expect(res.text).toBe('<document type="freeswitch/xml"><section name="result"><result status="not found"/></section></document>');
    });

    it('does not know SIP user 1000: REGISTER and INVITE lookups get "not found", never a default', async () => {
      for (const c of ['xml-curl-directory-register.http', 'xml-curl-directory-invite-auth.http']) expect((await post(form(c)).expect(200)).text).toContain('status="not found"');
    });

    it('refuses the internal call of an unknown caller with 403, in the call\'s context', async () => {
      const d = decisionOf((await post(form('xml-curl-dialplan-internal-user.http')).expect(200)).text);
      expect(d.context).toBe('default');
      expect(d.actions).toEqual([
        { application: 'set', data: 'sipcall_decision=refuse' },
        { application: 'set', data: 'sipcall_reason=unknown_caller' },
        { application: 'set', data: 'sip_rh_X-SIPCall-Reason=unknown_caller' },
        { application: 'respond', data: '403 Forbidden' },
      ]);
    });

    it('refuses a call from the trunk to a number nobody owns with 404, in the public context', async () => {
      const d = decisionOf((await post(form('xml-curl-dialplan-inbound-external.http')).expect(200)).text);
      expect(d.context).toBe('public');
      expect(d.actions.at(-1)).toEqual({ application: 'respond', data: '404 Not Found' });
    });

    it('verifies the captured digest: the check FreeSWITCH makes, made here too', () => {
      const f = new URLSearchParams(httpCapture('xml-curl-directory-invite-auth.http').body.toString());
      const a1 = a1Hash('1000', '127.0.0.1', 'fsref1234');
      const response = digestResponse(a1, { nonce: f.get('sip_auth_nonce')!, uri: f.get('sip_auth_uri')!, method: 'INVITE', qop: 'auth', cnonce: f.get('sip_auth_cnonce')!, nc: f.get('sip_auth_nc')! });
      expect(response).toBe(f.get('sip_auth_response'));
    });
  });

  describe('SIP accounts', () => {
    async function session(email: string) {
      const login = await request(t.app).post('/api/auth/login').send({ email, password: 'a long enough password' }).expect(200);
      const creds = await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
      return { token: login.body.accessToken as string, cookie: String(login.headers['set-cookie']).split(';')[0]!, creds: creds.body as { username: string; password: string; domain: string; wssUrl: string } };
    }
    const register = (creds: { username: string; password: string }, nonce = 'abc123') => {
      const uri = `sip:${DOMAIN}`;
      const response = digestResponse(a1Hash(creds.username, DOMAIN, creds.password), { nonce, uri, method: 'REGISTER', qop: 'auth', cnonce: 'c0ffee', nc: '00000001' });
      return form('xml-curl-directory-register.http', {
        user: creds.username,
        domain: DOMAIN,
        sip_auth_username: creds.username,
        sip_auth_realm: DOMAIN,
        sip_auth_nonce: nonce,
        sip_auth_uri: uri,
        sip_auth_cnonce: 'c0ffee',
        sip_auth_response: response,
      });
    };

    it('gives the browser its SIP account, and the directory the matching A1 hash with the dialplan variables', async () => {
      const s = await session('alice@example.com');
      expect(s.creds).toMatchObject({ username: alice.id, domain: DOMAIN, wssUrl: 'wss://127.0.0.1:7443' });
      // The page may open a WebSocket to that server, and to no other.
      const csp = String((await request(t.app).get('/healthz')).headers['content-security-policy']);
      expect(csp.split(';')).toContain("connect-src 'self' wss://127.0.0.1:7443");
      expect(s.creds.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const text = (await post(register(s.creds)).expect(200)).text;
      const doc = xml.parse(text) as { document: { section: { domain: { name: string; groups: { group: { users: { user: { id: string; params: { param: { name: string; value: string } }; variables: { variable: Array<{ name: string; value: string }> } } } } } } } } };
      const user = doc.document.section.domain.groups.group.users.user;
      expect(doc.document.section.domain.name).toBe(DOMAIN);
      expect(user.id).toBe(alice.id);
      expect(user.params.param).toEqual({ name: 'a1-hash', value: a1Hash(alice.id, DOMAIN, s.creds.password) });
      const vars = Object.fromEntries(user.variables.variable.map((v) => [v.name, v.value]));
      expect(vars).toMatchObject({ sipcall_user_id: alice.id, accountcode: alice.id, user_context: 'default' });
      // the display name cannot smuggle variable expansion or markup into the switch
      expect(vars['effective_caller_id_name']).toBe('Alice systemrm x');
      expect(text).not.toContain(s.creds.password);
    });

    it('keeps two sessions apart: each registration gets its own session\'s hash', async () => {
      const one = await session('alice@example.com');
      const two = await session('alice@example.com');
      expect(one.creds.password).not.toBe(two.creds.password);
      expect((await post(register(one.creds)).expect(200)).text).toContain(a1Hash(alice.id, DOMAIN, one.creds.password));
      expect((await post(register(two.creds)).expect(200)).text).toContain(a1Hash(alice.id, DOMAIN, two.creds.password));
    });

    it('rotates: asking again ends the old password; logging out ends the session\'s', async () => {
      const s = await session('alice@example.com');
      const again = await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${s.token}`).expect(200);
      expect((await post(register(s.creds)).expect(200)).text).not.toContain(a1Hash(alice.id, DOMAIN, s.creds.password));
      expect((await post(register(again.body)).expect(200)).text).toContain(a1Hash(alice.id, DOMAIN, again.body.password));
      await request(t.app).post('/api/auth/logout').set('Cookie', s.cookie).expect(204);
      expect((await post(register(again.body)).expect(200)).text).not.toContain(a1Hash(alice.id, DOMAIN, again.body.password));
    });

    it('answers "not found" for a disabled user', async () => {
      const carol = await createUser(t, { email: 'carol@example.com' });
      const s = await session('carol@example.com');
      await t.services.users.update(carol.id, { disabled: true }, { actor: { id: null, email: 'test' }, ip: null });
      expect((await post(register(s.creds)).expect(200)).text).toContain('status="not found"');
    });
  });

  describe('routing decisions', () => {
    it('allows a German number: variables, the time limit, and the bridge to the trunk', async () => {
      const uuid = crypto.randomUUID();
      const d = decisionOf((await post(allowCall(alice.id, '030 1234567', uuid)).expect(200)).text);
      expect(d.context).toBe('default');
      expect(d.actions).toEqual([
        { application: 'set', data: 'sipcall_decision=allow' },
        { application: 'set', data: 'sipcall_reason=allowed' },
        { application: 'export', data: `sipcall_call_id=${uuid}` },
        { application: 'export', data: `sipcall_user_id=${alice.id}` },
        { application: 'set', data: 'hangup_after_bridge=true' },
        { application: 'sched_hangup', data: '+900 ALLOTTED_TIMEOUT' },
        { application: 'set', data: 'sipcall_destination=+49301234567' },
        { application: 'export', data: 'nolocal:absolute_codec_string=PCMU,PCMA' },
        { application: 'bridge', data: 'sofia/gateway/trunk/+49301234567' },
      ]);
      await t.switching.slots.release(uuid);
    });

    it.each([
      ['premium rate', '0900 1234567', 'premium_rate', '403 Forbidden'],
      ['a country not allowed', '+33 1 23 45 67 89', 'destination_not_allowed', '403 Forbidden'],
      ['satellite', '+881631234567', 'fraud_prefix', '403 Forbidden'],
      ['letters', 'callme', 'invalid_number', '404 Not Found'],
      ['40 digits', '9'.repeat(40), 'invalid_number', '404 Not Found'],
      ['a lone +', '+', 'invalid_number', '404 Not Found'],
      ['SQL', "1' OR '1'='1", 'invalid_number', '404 Not Found'],
      ['XML', '"/><action application="bridge" data="sofia/gateway/trunk/+881', 'invalid_number', '404 Not Found'],
    ])('refuses %s, never bridging', async (_what, dest, reason, respond) => {
      const text = (await post(allowCall(alice.id, dest)).expect(200)).text;
      const d = decisionOf(text);
      expect(d.actions).toContainEqual({ application: 'set', data: `sipcall_reason=${reason}` });
      expect(d.actions).toContainEqual({ application: 'set', data: `sip_rh_X-SIPCall-Reason=${reason}` });
      expect(d.actions.at(-1)).toEqual({ application: 'respond', data: respond });
      expect(text).not.toContain('bridge');
    });

    it('connects an extension to the user\'s devices, not the trunk', async () => {
      const d = decisionOf((await post(allowCall(alice.id, '2001')).expect(200)).text);
      expect(d.actions).toContainEqual({ application: 'bridge', data: `user/${bob.id}@${DOMAIN}` });
      expect(d.actions).toContainEqual({ application: 'set', data: 'sipcall_reason=extension' });
      // Browser to browser: no codec list of ours, both keep what they negotiated (opus).
      expect(d.actions.filter((a) => a.data?.includes('codec'))).toEqual([]);
    });

    it('allows exactly the cap when 50 calls of one user arrive at once', async () => {
      const ids = Array.from({ length: 50 }, () => crypto.randomUUID());
      const answers = await Promise.all(ids.map((id) => post(allowCall(bob.id, '+1 212 555 0100', id))));
      const decisions = answers.map((a) => decisionOf(a.text));
      expect(decisions.filter((d) => d.actions.some((a) => a.application === 'bridge'))).toHaveLength(2);
      expect(decisions.filter((d) => d.actions.at(-1)?.data === '486 Busy Here')).toHaveLength(48);
      await Promise.all(ids.map((id) => t.switching.slots.release(id)));
    });

    it('routes a DID to its owner, and refuses a number nobody owns', async () => {
      const admin = await t.services.users.create({ email: 'root@example.com', displayName: 'Root', role: 'admin', password: 'a long enough password' }, { actor: { id: null, email: 'test' }, ip: null });
      const token = (await request(t.app).post('/api/auth/login').send({ email: admin.email, password: 'a long enough password' })).body.accessToken as string;
      await request(t.app).post('/api/dids').set('Authorization', `Bearer ${token}`).send({ number: '+49 30 9999 0000', userId: bob.id, label: 'Bob direct' }).expect(201);
      await request(t.app).post('/api/dids').set('Authorization', `Bearer ${token}`).send({ number: '030 99990000', userId: alice.id }).expect(409);
      const inbound = (dest: string) => post(form('xml-curl-dialplan-inbound-external.http', { 'Hunt-Destination-Number': dest, 'Caller-Destination-Number': dest, 'Unique-ID': crypto.randomUUID() }));
      const d = decisionOf((await inbound('+493099990000').expect(200)).text);
      expect(d.context).toBe('public');
      expect(d.actions).toContainEqual({ application: 'bridge', data: `user/${bob.id}@${DOMAIN}` });
      expect(d.actions).toContainEqual({ application: 'export', data: `sipcall_user_id=${bob.id}` });
      expect(decisionOf((await inbound('+493011111111').expect(200)).text).actions.at(-1)).toEqual({ application: 'respond', data: '404 Not Found' });
    });

    it('refuses a user\'s calls as soon as they are disabled', async () => {
      const dave = await createUser(t, { email: 'dave@example.com' });
      expect(decisionOf((await post(allowCall(dave.id, '0301234567')).expect(200)).text).actions.at(-1)?.application).toBe('bridge');
      await t.services.users.update(dave.id, { disabled: true }, { actor: { id: null, email: 'test' }, ip: null });
      const d = decisionOf((await post(allowCall(dave.id, '0301234567')).expect(200)).text);
      expect(d.actions).toContainEqual({ application: 'set', data: 'sipcall_reason=unknown_caller' });
    });

    it('counts every decision by outcome and reason', async () => {
      const values = (await t.metrics.routingDecisions.get()).values;
      expect(values.find((v) => v.labels.decision === 'allow' && v.labels.reason === 'allowed')?.value).toBeGreaterThanOrEqual(1);
      expect(values.find((v) => v.labels.decision === 'refuse' && v.labels.reason === 'user_cap')?.value).toBe(48);
    });
  });

  describe('bad input', () => {
    it.each([
      ['an unknown section', 'section=phrases&hostname=vm', 'unknown_section'],
      ['no section at all', 'hostname=vm', 'malformed_form'],
      ['a repeated field', 'section=dialplan&section=directory', 'malformed_form'],
      ['a dialplan request without a call id', 'section=dialplan&Hunt-Context=default&Hunt-Destination-Number=0301234567', 'malformed_dialplan_request'],
      ['a context we do not route', `section=dialplan&Hunt-Context=evil&Unique-ID=${crypto.randomUUID()}&Hunt-Destination-Number=1`, 'unknown_context'],
      ['a directory lookup for a user that is no uuid', 'section=directory&user=1000%27%20OR%201%3D1&domain=sip.example.com&action=sip_auth', 'unknown_user'],
      ['an oversized field', `section=dialplan&Hunt-Context=default&x=${'a'.repeat(5000)}`, 'malformed_form'],
    ])('answers %s with "not found" and a counter, never a 500', async (_what, body, reason) => {
      const before = (await t.metrics.switchHttpRejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
      const res = await post(body).expect(200);
      expect(res.text).toContain('status="not found"');
      const after = (await t.metrics.switchHttpRejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
      expect(after).toBe(before + 1);
    });

    it('refuses a form that is too big with 413 and no decision', async () => {
      const res = await post(`section=dialplan&${Array.from({ length: 40 }, (_, i) => `f${i}=${'x'.repeat(2000)}`).join('&')}`);
      expect(res.status).toBe(413);
      expect(res.text).not.toContain('bridge');
    });
  });
});

describe('TURN for browsers, extensions and DIDs administered over HTTP', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349', TURN_SECRET: 'a-long-turn-shared-secret', TURN_TTL_SECONDS: '600', STUN_URLS: 'stun:stun.example.com:3478' });
    await t.services.users.create({ email: 'root@example.com', displayName: 'Root', role: 'admin', password: 'a long enough password' }, { actor: { id: null, email: 'test' }, ip: null });
    admin = (await request(t.app).post('/api/auth/login').send({ email: 'root@example.com', password: 'a long enough password' })).body.accessToken as string;
  });
  afterAll(() => t?.close());

  it('hands out short-lived TURN credentials the TURN server can check with the shared secret', async () => {
    const creds = (await request(t.app).post('/api/sip/credentials').set('Authorization', `Bearer ${admin}`).expect(200)).body as { username: string; iceServers: Array<{ urls: string[]; username?: string; credential?: string }> };
    expect(creds.iceServers[0]).toEqual({ urls: ['stun:stun.example.com:3478'] });
    const turn = creds.iceServers[1]!;
    expect(turn.urls).toEqual(['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349']);
    const [expiry, user] = turn.username!.split(':');
    expect(user).toBe(creds.username);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
    const { createHmac } = await import('node:crypto');
    expect(turn.credential).toBe(createHmac('sha1', 'a-long-turn-shared-secret').update(turn.username!).digest('base64'));
  });

  it('shows admins the routing policy and trunk as configured, without secrets; users get 403', async () => {
    const res = await request(t.app).get('/api/settings/routing').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(res.body).toMatchObject({ gateway: 'trunk', stunUrls: ['stun:stun.example.com:3478'], turnUrls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'] });
    expect(res.body.builtInBlockedPrefixes).toContain('+881');
    expect(JSON.stringify(res.body)).not.toContain('a-long-turn-shared-secret');
    await request(t.app).post('/api/users').set('Authorization', `Bearer ${admin}`).send({ email: 'plain@example.com', displayName: 'Plain', password: 'a long enough password' }).expect(201);
    const user = (await request(t.app).post('/api/auth/login').send({ email: 'plain@example.com', password: 'a long enough password' })).body.accessToken as string;
    await request(t.app).get('/api/settings/routing').set('Authorization', `Bearer ${user}`).expect(403);
    await request(t.app).get('/api/settings/routing').expect(401);
  });

  it('refuses SIP credentials without a session token', async () => {
    await request(t.app).post('/api/sip/credentials').expect(401);
  });

  it('gives users extensions, refusing one that is taken with 409', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    await request(t.app).post('/api/users').set(auth).send({ email: 'x1@example.com', displayName: 'X1', password: 'a long enough password', extension: '301' }).expect(201);
    const res = await request(t.app).post('/api/users').set(auth).send({ email: 'x2@example.com', displayName: 'X2', password: 'a long enough password', extension: '301' }).expect(409);
    expect(res.body.error.code).toBe('extension_taken');
    await request(t.app).post('/api/users').set(auth).send({ email: 'x3@example.com', displayName: 'X3', password: 'a long enough password', extension: '3a' }).expect(400);
  });

  it.each([
    ['not a number', { number: 'hello', userId: '00000000-0000-4000-8000-000000000001' }, 400],
    ['an unknown user', { number: '+49 30 1234567', userId: '00000000-0000-4000-8000-000000000001' }, 404],
    ['an unknown field', { number: '+49 30 1234567', userId: '00000000-0000-4000-8000-000000000001', owner: 'me' }, 400],
  ])('refuses a DID with %s and stores nothing', async (_what, body, status) => {
    await request(t.app).post('/api/dids').set('Authorization', `Bearer ${admin}`).send(body).expect(status);
    expect((await request(t.app).get('/api/dids').set('Authorization', `Bearer ${admin}`).expect(200)).body.dids).toEqual([]);
  });
});

// Money that can never be overspent, booked once: a prepaid account's credit
// under fifty calls at once, a call's hold settled once whichever of its
// hangup and its twenty records arrives first, admin credit and vouchers
// booked once per cause, spend limits, the watchdog — and after each,
// `ledger verify` finds nothing wrong.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditWatchdog } from '../src/billing/watchdog.js';
import type { LiveCall } from '../src/calls/live-call.js';
import { silentLogger } from './support/logger.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { captureForm as form, httpCapture } from './support/fixtures.js';

const SWITCH_PASSWORD = 'switch-http-password-ledger';
const switchAuth = `Basic ${Buffer.from(`freeswitch:${SWITCH_PASSWORD}`).toString('base64')}`;
const HEADER = 'prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency';
/** Germany at 0.10 a minute in whole minutes: 0.30 buys three. */
const SELL = [HEADER, '49,Germany,0.10,0,60/60,0,EUR', '4930,Berlin,0.10,0,60/60,0,EUR'].join('\n');
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

function actionsOf(text: string): string[] {
  const doc = xml.parse(text) as { document: { section: { context: { extension: { condition: { action: unknown } } } } } };
  const actions = doc.document.section.context.extension.condition.action;
  return ((Array.isArray(actions) ? actions : [actions]) as Array<{ application: string; data?: string }>).map((a) => (a.data === undefined ? a.application : `${a.application} ${a.data}`));
}

describe('accounts and the ledger', () => {
  let t: TestApp;
  let admin: string;
  let token: string;
  let payer: { id: string };

  beforeAll(async () => {
    t = await startTestApp({
      SWITCH_HTTP_PASSWORD: SWITCH_PASSWORD,
      DEFAULT_COUNTRY: 'DE',
      ALLOWED_DESTINATIONS: 'DE',
      USER_MAX_CONCURRENT_CALLS: '100',
      GLOBAL_MAX_CONCURRENT_CALLS: '1000',
      USER_CALLS_PER_SECOND: '100',
      GLOBAL_CALLS_PER_SECOND: '1000',
      MAX_CALL_SECONDS: '3600',
    });
    await createUser(t, { email: 'admin@example.com', role: 'admin' });
    payer = await createUser(t, { email: 'payer@example.com' });
    const login = async (email: string) => (await request(t.app).post('/api/auth/login').send({ email, password: 'a long enough password' }).expect(200)).body.accessToken as string;
    admin = await login('admin@example.com');
    token = await login('payer@example.com');
    await request(t.app).post('/api/rates/sell').query({ effective: '2026-01-01' }).set('Authorization', `Bearer ${admin}`).set('Content-Type', 'text/csv').send(SELL).expect(201);
  });
  afterAll(() => t?.close());

  const as = (bearer: string) => ({ Authorization: `Bearer ${bearer}` });
  const accountOf = async (userId: string) => (await t.services.ledgerRepo.accountOfUser(userId))!;
  const makePrepaid = async (userId: string, credit: string) => {
    const { account } = (await request(t.app).put(`/api/billing/users/${userId}`).set(as(admin)).send({ mode: 'prepaid' }).expect(200)).body;
    await request(t.app).post(`/api/billing/accounts/${account.id}/credit`).set(as(admin)).send({ kind: 'top_up', amount: credit, reason: 'first credit', requestId: randomUUID() }).expect(200);
    return account.id as string;
  };
  const decide = (userId: string, callId: string, dialled = '0301234567') =>
    request(t.app)
      .post('/freeswitch/xml')
      .set('Authorization', switchAuth)
      .type('form')
      .send(form('xml-curl-dialplan-internal-user.http', { 'Unique-ID': callId, 'Hunt-Destination-Number': dialled, 'Caller-Destination-Number': dialled, variable_sipcall_user_id: userId, variable_user_name: userId }));
  const verify = async () => (await request(t.app).get('/api/billing/verify').set(as(admin)).expect(200)).body.differences;
  /** The captured first leg of a bridged call, as the routing decision marks a trunk call. */
  const record = (callId: string, userId: string, billsec: number) => {
    const r = JSON.parse(httpCapture('json-cdr-bridged-sched-hangup-aleg.http').body.toString('utf8')) as { variables: Record<string, string> };
    const start = (Date.now() - 3_600_000) * 1000;
    Object.assign(r.variables, {
      uuid: callId,
      sipcall_user_id: userId,
      sipcall_decision: 'allow',
      sipcall_reason: 'allowed',
      sipcall_destination: '%2B49301234567',
      start_uepoch: String(start),
      answer_uepoch: String(start + 1_000_000),
      end_uepoch: String(start + (1 + billsec) * 1_000_000),
      billsec: String(billsec),
    });
    return JSON.stringify(r);
  };
  const postRecord = (body: string) => request(t.app).post('/freeswitch/cdr').set('Authorization', switchAuth).set('Content-Type', 'application/json').send(body);

  it('refuses a prepaid call its credit does not pay for with 402, before dialling and in the dialplan, and holds nothing', async () => {
    const broke = await createUser(t, { email: 'broke@example.com' });
    await request(t.app).put(`/api/billing/users/${broke.id}`).set(as(admin)).send({ mode: 'prepaid' }).expect(200);
    const brokeToken = (await request(t.app).post('/api/auth/login').send({ email: 'broke@example.com', password: 'a long enough password' }).expect(200)).body.accessToken as string;
    const preview = (await request(t.app).get('/api/destinations').query({ number: '030 1234567' }).set(as(brokeToken)).expect(200)).body;
    expect(preview).toMatchObject({ allowed: false, reason: 'insufficient_credit', rate: { perMinute: '0.1' } });
    const res = await decide(broke.id, randomUUID()).expect(200);
    expect(actionsOf(res.text)).toEqual(['set sipcall_decision=refuse', 'set sipcall_reason=insufficient_credit', 'set sip_rh_X-SIPCall-Reason=insufficient_credit', 'respond 402 Payment Required']);
    expect(await t.switching.slots.count(broke.id)).toBe(0);
    expect((await t.services.ledgerRepo.openReservations()).filter((r) => r.userId === broke.id)).toEqual([]);
  });

  it('grants fifty calls at once from an account whose credit buys three minutes no more than three minutes in all', async () => {
    const accountId = await makePrepaid(payer.id, '0.30');
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const answers = await Promise.all(ids.map((id) => decide(payer.id, id)));
    const plans = answers.map((a) => actionsOf(a.text));
    const granted = plans.map((p) => p.find((a) => a.startsWith('set sipcall_credit_seconds='))).filter((a): a is string => a !== undefined);
    const seconds = granted.map((a) => Number(a.split('=')[1]));
    expect(seconds.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(180);
    expect(seconds.length).toBeGreaterThanOrEqual(1);
    expect(plans.filter((p) => p.includes('respond 402 Payment Required'))).toHaveLength(50 - granted.length);
    const held = (await t.services.ledgerRepo.openReservations()).filter((r) => r.accountId === accountId);
    expect(held.reduce((sum, r) => sum + r.amount, 0)).toBeLessThanOrEqual(300_000);
    expect((await accountOf(payer.id)).balance).toBe(300_000 - held.reduce((sum, r) => sum + r.amount, 0));
    expect(await verify()).toEqual([]);
    // Every call ends unanswered: all of it comes back.
    await Promise.all(held.map((r) => t.services.ledger.settle(r.callUuid, null)));
    await Promise.all(ids.map((id) => t.switching.slots.release(id)));
    expect((await accountOf(payer.id)).balance).toBe(300_000);
    expect(await verify()).toEqual([]);
  });

  it('cuts the call at what the credit buys, with the warning tone a minute before', async () => {
    const callId = randomUUID();
    const plan = actionsOf((await decide(payer.id, callId).expect(200)).text);
    expect(plan).toEqual(
      expect.arrayContaining([
        'set sipcall_credit_seconds=180',
        'set execute_on_answer_sipcall_credit_end=sched_hangup +179 ALLOTTED_TIMEOUT',
        'set execute_on_answer_sipcall_credit_warning=sched_broadcast +119 tone_stream://%(300,200,880);loops=3 aleg',
      ]),
    );
    await t.services.ledger.settle(callId, null);
    await t.switching.slots.release(callId);
  });

  it('settles a call once, whichever comes first: its hangup, or twenty copies of its record at once', async () => {
    const callId = randomUUID();
    await decide(payer.id, callId).expect(200);
    expect((await accountOf(payer.id)).balance).toBe(0);
    // The hangup says 61 s: two minutes at 60/60.
    expect(await t.services.ledger.settle(callId, 61)).toBe(true);
    const answers = await Promise.all(Array.from({ length: 20 }, () => postRecord(record(callId, payer.id, 61))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await t.services.ledger.settle(callId, 61)).toBe(false);
    expect((await accountOf(payer.id)).balance).toBe(100_000);
    // One minute left of the destination the user calls most: the app says the balance is low.
    expect((await request(t.app).get('/api/me/billing').set(as(token)).expect(200)).body.account).toMatchObject({ balance: '0.1', minutesLeft: 1, low: true });
    const entries = (await request(t.app).get(`/api/billing/accounts/${(await accountOf(payer.id)).id}/entries`).set(as(admin)).expect(200)).body.entries as Array<{ kind: string; cause: string; amount: string }>;
    expect(entries.filter((e) => e.cause === `call:${callId}`).map((e) => [e.kind, e.amount])).toEqual([
      ['release', '0.1'],
      ['reservation', '-0.3'],
    ]);
    // History, the ledger and analytics agree: the charge is what was captured.
    const [charge] = await t.db.dataSource.query<Array<{ sell_micros: string }>>(`SELECT sell_micros FROM call_charges WHERE call_uuid = $1`, [callId]);
    expect(charge!.sell_micros).toBe('200000');
    const [reservation] = await t.db.dataSource.query<Array<{ captured_micros: string }>>(`SELECT captured_micros FROM call_reservations WHERE call_uuid = $1`, [callId]);
    expect(reservation!.captured_micros).toBe('200000');
    await t.switching.slots.release(callId);
    expect(await verify()).toEqual([]);
  });

  it('settles from the record when the hangup was never seen, and replaying it books nothing more', async () => {
    const callId = randomUUID();
    await decide(payer.id, callId).expect(200);
    await postRecord(record(callId, payer.id, 30)).expect(200);
    await postRecord(record(callId, payer.id, 30)).expect(200);
    expect((await accountOf(payer.id)).balance).toBe(0);
    await t.switching.slots.release(callId);
    expect(await verify()).toEqual([]);
  });

  describe('credit from admins', () => {
    it('tops up once per request id, with the reason in the ledger and the audit trail', async () => {
      const accountId = (await accountOf(payer.id)).id;
      const requestId = randomUUID();
      const body = { kind: 'top_up', amount: '5.00', reason: 'invoice 42 paid', requestId };
      expect((await request(t.app).post(`/api/billing/accounts/${accountId}/credit`).set(as(admin)).send(body).expect(200)).body).toEqual({ booked: true });
      expect((await request(t.app).post(`/api/billing/accounts/${accountId}/credit`).set(as(admin)).send(body).expect(200)).body).toEqual({ booked: false });
      expect((await accountOf(payer.id)).balance).toBe(5_000_000);
      const audit = await t.db.dataSource.query<Array<{ details: { reason: string } }>>(`SELECT details FROM audit_log WHERE action = 'billing.credit' ORDER BY at DESC LIMIT 1`);
      expect(audit[0]!.details.reason).toBe('invoice 42 paid');
    });

    it.each([
      ['a negative top-up', { kind: 'top_up', amount: '-1', reason: 'x' }, 400],
      ['a zero adjustment', { kind: 'adjustment', amount: '0', reason: 'x' }, 400],
      ['an absurd amount', { kind: 'top_up', amount: '1000000', reason: 'x' }, 400],
      ['a float with seven places', { kind: 'top_up', amount: '0.0000001', reason: 'x' }, 400],
      ['no reason', { kind: 'top_up', amount: '1', reason: '' }, 400],
      ['an unknown kind', { kind: 'gift', amount: '1', reason: 'x' }, 400],
      ['taking more than the balance from a prepaid account', { kind: 'adjustment', amount: '-6', reason: 'x' }, 409],
    ])('refuses %s and books nothing', async (_what, body, status) => {
      const account = await accountOf(payer.id);
      const before = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
      const res = await request(t.app).post(`/api/billing/accounts/${account.id}/credit`).set(as(admin)).send({ ...body, requestId: randomUUID() }).expect(status);
      expect(res.body.error.code).toBeDefined();
      expect((await accountOf(payer.id)).balance).toBe(account.balance);
      expect(await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`)).toEqual(before);
    });

    it('is for admins only', async () => {
      const account = await accountOf(payer.id);
      await request(t.app).post(`/api/billing/accounts/${account.id}/credit`).set(as(token)).send({ kind: 'top_up', amount: '100', reason: 'me', requestId: randomUUID() }).expect(403);
      await request(t.app).put(`/api/billing/users/${payer.id}`).set(as(token)).send({ mode: 'postpaid' }).expect(403);
      expect((await accountOf(payer.id)).balance).toBe(account.balance);
    });
  });

  describe('accounts', () => {
    const counts = async () => (await t.db.dataSource.query<Array<{ accounts: number; members: number }>>(`SELECT (SELECT count(*) FROM billing_accounts)::int AS accounts, (SELECT count(*) FROM billing_members)::int AS members`))[0]!;

    it('bills a team to one shared account', async () => {
      const member = await createUser(t, { email: 'team@example.com' });
      const { account } = (await request(t.app).post('/api/billing/shared').set(as(admin)).send({ name: 'Sales', mode: 'postpaid', monthlyLimit: '50' }).expect(201)).body;
      await request(t.app).put(`/api/billing/users/${member.id}/shared`).set(as(admin)).send({ accountId: account.id }).expect(204);
      expect((await accountOf(member.id)).id).toBe(account.id);
      const listed = (await request(t.app).get('/api/billing/accounts').set(as(admin)).expect(200)).body.accounts.find((a: { id: string }) => a.id === account.id);
      expect(listed).toMatchObject({ kind: 'shared', name: 'Sales', mode: 'postpaid', monthlyLimit: '50', members: [member.id] });
    });

    it.each([
      ['terms for nobody', 'put', (): string => `/api/billing/users/${randomUUID()}`, { mode: 'prepaid' }, 404],
      ['terms with a bad mode', 'put', (): string => `/api/billing/users/${payer.id}`, { mode: 'free' }, 400],
      ['terms with a negative limit', 'put', (): string => `/api/billing/users/${payer.id}`, { mode: 'postpaid', dailyLimit: '-5' }, 400],
      ['terms for a bad id', 'put', (): string => '/api/billing/users/not-a-uuid', { mode: 'prepaid' }, 400],
      ['a shared account with no name', 'post', (): string => '/api/billing/shared', { name: ' ', mode: 'postpaid' }, 400],
      ['a shared account with an unknown field', 'post', (): string => '/api/billing/shared', { name: 'x', mode: 'postpaid', owner: 'me' }, 400],
      ['joining an account that is none', 'put', (): string => `/api/billing/users/${payer.id}/shared`, { accountId: randomUUID() }, 404],
      ['joining for nobody', 'put', (): string => `/api/billing/users/${randomUUID()}/shared`, { accountId: '' }, 400],
    ] as const)('refuses %s and changes nothing', async (_what, method, path, body, status) => {
      const before = await counts();
      const terms = await accountOf(payer.id);
      const res = await request(t.app)[method](path()).set(as(admin)).send(body).expect(status);
      expect(res.body.error.code).toBeDefined();
      expect(await counts()).toEqual(before);
      expect(await accountOf(payer.id)).toEqual(terms);
    });

    it('refuses putting someone who does not exist into a shared account, with nothing changed', async () => {
      const { account } = (await request(t.app).post('/api/billing/shared').set(as(admin)).send({ name: 'Support', mode: 'prepaid' }).expect(201)).body;
      const before = await counts();
      await request(t.app).put(`/api/billing/users/${randomUUID()}/shared`).set(as(admin)).send({ accountId: account.id }).expect(404);
      expect(await counts()).toEqual(before);
    });
  });

  describe('vouchers', () => {
    it('redeems a voucher once into the account, and refuses it again with nothing changed', async () => {
      const { codes } = (await request(t.app).post('/api/billing/vouchers').set(as(admin)).send({ amount: '2.50', count: 3 }).expect(201)).body as { codes: string[] };
      expect(codes).toHaveLength(3);
      expect(new Set(codes).size).toBe(3);
      expect(codes[0]).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      const before = (await accountOf(payer.id)).balance;
      expect((await request(t.app).post('/api/me/billing/vouchers').set(as(token)).send({ code: codes[0]!.toLowerCase() }).expect(200)).body).toEqual({ amount: '2.5' });
      expect((await accountOf(payer.id)).balance).toBe(before + 2_500_000);
      expect((await request(t.app).post('/api/me/billing/vouchers').set(as(token)).send({ code: codes[0] }).expect(409)).body.error.code).toBe('voucher_redeemed');
      await request(t.app).post('/api/me/billing/vouchers').set(as(token)).send({ code: 'AAAA-BBBB-CCCC-DDDD' }).expect(404);
      await request(t.app).post('/api/me/billing/vouchers').set(as(token)).send({ code: "'; DROP TABLE vouchers" }).expect(400);
      expect((await accountOf(payer.id)).balance).toBe(before + 2_500_000);
      const summary = (await request(t.app).get('/api/me/billing').set(as(token)).expect(200)).body;
      // 7.50 at 0.10 a minute of Berlin, what the user calls most: 75 minutes, not low.
      expect(summary.account).toMatchObject({ mode: 'prepaid', currency: 'EUR', balance: '7.5', held: '0', minutesLeft: 75, low: false });
      expect(await verify()).toEqual([]);
    });

    it('refuses absurd batches', async () => {
      await request(t.app).post('/api/billing/vouchers').set(as(admin)).send({ amount: '2.50', count: 1001 }).expect(400);
      await request(t.app).post('/api/billing/vouchers').set(as(admin)).send({ amount: '5000', count: 1 }).expect(400);
    });
  });

  describe('postpaid limits', () => {
    it('lets a postpaid account without limits call on, booking each call against it', async () => {
      const user = await createUser(t, { email: 'postpaid@example.com' });
      await request(t.app).put(`/api/billing/users/${user.id}`).set(as(admin)).send({ mode: 'postpaid' }).expect(200);
      const callId = randomUUID();
      const plan = actionsOf((await decide(user.id, callId).expect(200)).text);
      expect(plan.some((a) => a.includes('credit'))).toBe(false);
      await postRecord(record(callId, user.id, 90)).expect(200);
      await postRecord(record(callId, user.id, 90)).expect(200);
      expect((await accountOf(user.id)).balance).toBe(-200_000);
      await t.switching.slots.release(callId);
    });

    it('refuses a call once the daily limit is spent, with spend_limit', async () => {
      const user = await createUser(t, { email: 'limited@example.com' });
      await request(t.app).put(`/api/billing/users/${user.id}`).set(as(admin)).send({ mode: 'postpaid', dailyLimit: '0.20' }).expect(200);
      const first = randomUUID();
      expect(actionsOf((await decide(user.id, first).expect(200)).text)).toContain('set sipcall_credit_seconds=120');
      const second = randomUUID();
      expect(actionsOf((await decide(user.id, second).expect(200)).text)).toContain('respond 402 Payment Required');
      await t.services.ledger.settle(first, 30);
      // 0.10 spent of 0.20: one more minute.
      expect(actionsOf((await decide(user.id, randomUUID()).expect(200)).text)).toContain('set sipcall_credit_seconds=60');
      await request(t.app).put(`/api/billing/users/${user.id}`).set(as(admin)).send({ mode: 'prepaid', dailyLimit: '1' }).expect(400);
      // It owes money: it cannot be made prepaid until that is settled.
      await t.services.ledger.settle(first, 30);
      expect((await request(t.app).put(`/api/billing/users/${user.id}`).set(as(admin)).send({ mode: 'prepaid' }).expect(409)).body.error.code).toBe('account_in_debt');
      expect(await verify()).toEqual([]);
    });
  });

  describe('the watchdog', () => {
    const liveCall = (id: string, answeredAgoS: number): LiveCall => ({
      id,
      node: 'fs1',
      legs: [id],
      direction: 'outbound',
      userId: payer.id,
      destination: '+49301234567',
      callerNumber: '1001',
      state: 'answered',
      startedAt: new Date(Date.now() - answeredAgoS * 1000 - 2000).toISOString(),
      answeredAt: new Date(Date.now() - answeredAgoS * 1000).toISOString(),
      lastEventUs: Date.now() * 1000,
    });

    it('after a restart, schedules the cut again from the reservation; a call past its allowance is ended', async () => {
      const [within, over] = [randomUUID(), randomUUID()];
      for (const id of [within, over]) await decide(payer.id, id).expect(200);
      const held = (await t.services.ledgerRepo.openReservations()).filter((r) => r.callUuid === within || r.callUuid === over);
      expect(held).toHaveLength(2);
      const allowance = held[0]!.seconds;
      const calls = new Map<string, LiveCall>([
        [within, liveCall(within, 10)],
        [over, liveCall(over, allowance + 30)],
      ]);
      const sent: string[] = [];
      const watchdog = () =>
        new CreditWatchdog({
          reservations: t.services.ledger,
          calls: { get: async (id) => calls.get(id) ?? null },
          node: () => ({ api: async (command) => (sent.push(command), '+OK\n'), bgapi: async () => '+OK\n' }),
          log: silentLogger,
        });
      const first = watchdog();
      await first.sweep();
      await first.sweep();
      expect(sent.filter((c) => c.includes(over))).toEqual([`uuid_kill ${over} ALLOTTED_TIMEOUT`, `uuid_kill ${over} ALLOTTED_TIMEOUT`]);
      const armed = sent.filter((c) => c.includes(within));
      expect(armed).toHaveLength(1);
      expect(armed[0]).toMatch(new RegExp(`^sched_hangup \\+(${allowance - 12}|${allowance - 11}) ${within} ALLOTTED_TIMEOUT$`));
      // A new process (a restart) knows nothing it armed: it arms again.
      sent.length = 0;
      await watchdog().sweep();
      expect(sent.filter((c) => c.startsWith('sched_hangup'))).toHaveLength(1);
      for (const id of [within, over]) {
        await postRecord(record(id, payer.id, 10)).expect(200);
        await t.switching.slots.release(id);
      }
      expect((await t.services.ledgerRepo.openReservations()).filter((r) => r.callUuid === within || r.callUuid === over)).toEqual([]);
      expect(await verify()).toEqual([]);
    });
  });
});

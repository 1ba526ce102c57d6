// Prices end to end over HTTP: an admin imports decks (whole or not at all),
// the dialpad's preview shows the sell rate, a trunk call's record gets its
// charge once however often the switch posts it, history and analytics show
// it, and a re-rating after a deck fix changes what must change and only once.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rerate } from '../src/billing/rerate.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { httpCapture } from './support/fixtures.js';

const SWITCH = { user: 'freeswitch', password: 'switch-http-password-rates' };
const switchAuth = `Basic ${Buffer.from(`${SWITCH.user}:${SWITCH.password}`).toString('base64')}`;
const HEADER = 'prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency';
const SELL = [HEADER, '49,Germany,0.02,0,60/60,0,EUR', '4930,Berlin,0.01,0.05,30/6,0,EUR', '4915,Germany mobile,0.12,0,1/1,0,EUR', '43,Austria,0.03,0,60/60,0,EUR'].join('\n');
const CARRIER = [HEADER, '49,Germany,0.004,0,1/1,0,EUR', '4915,Germany mobile,0.05,0,1/1,0,EUR'].join('\n');
/** A day all calls below start on, after every deck's first day. */
const CALL_DAY = Date.UTC(2026, 5, 15, 12);

describe('rate decks, prices and charges', () => {
  let t: TestApp;
  let admin: string;
  let user: string;
  let userId: string;
  beforeAll(async () => {
    t = await startTestApp({ SWITCH_HTTP_PASSWORD: SWITCH.password, DEFAULT_COUNTRY: 'DE', ALLOWED_DESTINATIONS: 'DE,AT', TRUNK_GATEWAY: 'carrier' });
    await createUser(t, { email: 'admin@example.com', role: 'admin' });
    userId = (await createUser(t, { email: 'caller@example.com' })).id;
    const login = async (email: string) => (await request(t.app).post('/api/auth/login').send({ email, password: 'a long enough password' }).expect(200)).body.accessToken as string;
    admin = await login('admin@example.com');
    user = await login('caller@example.com');
  });
  afterAll(() => t?.close());

  const importDeck = (name: string, csv: string, query: Record<string, string> = {}, token = admin) =>
    request(t.app).post(`/api/rates/${name}`).query(query).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csv);
  const counts = async () => {
    const [r] = await t.db.dataSource.query<Array<{ decks: number; rows: number }>>(`SELECT (SELECT count(*) FROM rate_decks)::int AS decks, (SELECT count(*) FROM rate_deck_rows)::int AS rows`);
    return r!;
  };
  /** The captured first leg of a bridged call, as the routing decision marks a trunk call. */
  const trunkRecord = (o: { uuid: string; destination: string; billsec: number; answered?: boolean; startedAt?: number }) => {
    const record = JSON.parse(httpCapture('json-cdr-bridged-sched-hangup-aleg.http').body.toString('utf8')) as { variables: Record<string, string> };
    const start = (o.startedAt ?? CALL_DAY) * 1000;
    Object.assign(record.variables, {
      uuid: o.uuid,
      sipcall_user_id: userId,
      sipcall_decision: 'allow',
      sipcall_reason: 'allowed',
      sipcall_destination: encodeURIComponent(o.destination),
      start_uepoch: String(start),
      answer_uepoch: o.answered === false ? '0' : String(start + 2_000_000),
      end_uepoch: String(start + 2_000_000 + o.billsec * 1_000_000),
      billsec: o.answered === false ? '0' : String(o.billsec),
    });
    return JSON.stringify(record);
  };
  const post = (body: string) => request(t.app).post('/freeswitch/cdr').set('Authorization', switchAuth).set('Content-Type', 'application/json').send(body);
  const chargeOf = async (uuid: string) => (await t.db.dataSource.query<Array<Record<string, unknown>>>(`SELECT billed_s, sell_micros, carrier_micros, sell_prefix FROM call_charges WHERE call_uuid = $1`, [uuid]))[0];

  describe('importing', () => {
    it('refuses a bad file whole, every bad line by its number, and imports nothing', async () => {
      const bad = [HEADER, '49,Germany,0.02,0,60/60,0,EUR', '49,Germany again,0.02,0,60/60,0,EUR', '33,France,-0.01,0,60/60,0,EUR', '34,Spain,12.5.0,0,60/60,0,EUR', '39,Italy,0.02,0,60,0,EUR', '41,Switzerland,0.02,0,60/60,0,XYZ'].join('\n');
      const res = await importDeck('sell', bad, { effective: '2026-01-01' }).expect(400);
      expect(res.body.error.code).toBe('deck_refused');
      expect(res.body.error.details.problems.map((p: { line: number }) => p.line)).toEqual([3, 4, 5, 6, 7]);
      expect(res.body.error.details.problems[0].message).toBe('prefix +49 again (first on line 2)');
      expect(await counts()).toEqual({ decks: 0, rows: 0 });
    });

    it('refuses a deck in another currency than SIPCall bills in, absurd rates, a day that does not exist, a bad name, and anything but CSV', async () => {
      const usd = await importDeck('sell', [HEADER, '49,Germany,0.02,0,60/60,0,USD'].join('\n')).expect(400);
      expect(usd.body.error.details.problems).toEqual([{ line: 2, message: 'currency USD, but SIPCall bills in EUR (BILLING_CURRENCY)' }]);
      const absurd = await importDeck('sell', [HEADER, '49,Germany,150,0,60/60,0,EUR'].join('\n')).expect(400);
      expect(absurd.body.error.details.problems[0].message).toBe('rate_per_minute 150 is more than 100 a minute');
      expect((await importDeck('sell', SELL, { effective: '2026-02-30' }).expect(400)).body.error.details.issues[0].path).toBe('query.effective');
      for (const name of ['bad%20name!', '-x', 'x'.repeat(65)]) expect((await importDeck(name, SELL).expect(400)).body.error.details.issues[0].path).toBe('params.name');
      await request(t.app).post('/api/rates/sell').set('Authorization', `Bearer ${admin}`).send({ csv: SELL }).expect(415);
      await importDeck('sell', SELL.replace('Germany', 'Ger\0many')).expect(400);
      expect(await counts()).toEqual({ decks: 0, rows: 0 });
    });

    it('is for admins only', async () => {
      await importDeck('sell', SELL, {}, user).expect(403);
      await request(t.app).get('/api/rates').set('Authorization', `Bearer ${user}`).expect(403);
      expect(await counts()).toEqual({ decks: 0, rows: 0 });
    });

    it('imports the sell deck and the gateway\'s carrier deck as versions, audited, and exports them as they came', async () => {
      const res = await importDeck('sell', SELL, { effective: '2026-01-01' }).expect(201);
      expect(res.body.version).toMatchObject({ name: 'sell', effectiveFrom: '2026-01-01', rows: 4, currency: 'EUR', importedBy: 'admin@example.com' });
      await importDeck('carrier', CARRIER, { effective: '2026-01-01' }).expect(201);
      const decks = (await request(t.app).get('/api/rates').set('Authorization', `Bearer ${admin}`).expect(200)).body;
      expect(decks).toMatchObject({ currency: 'EUR', gateway: 'carrier', decks: [{ name: 'sell', kind: 'sell', versions: [{ inEffect: true, rows: 4 }] }, { name: 'carrier', kind: 'carrier' }] });
      const exported = await request(t.app).get('/api/rates/sell/csv').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(exported.headers['content-type']).toMatch(/^text\/csv/);
      expect(exported.text.trim().split('\n').sort()).toEqual(SELL.split('\n').sort());
      const audit = await t.db.dataSource.query<Array<{ details: { name: string } }>>(`SELECT details FROM audit_log WHERE action = 'rates.import' ORDER BY at`);
      expect(audit.map((a) => a.details.name)).toEqual(['sell', 'carrier']);
    });

    it('answers an export of a day that is not one, or of a deck that is none, with a 4xx', async () => {
      expect((await request(t.app).get('/api/rates/sell/csv').query({ on: 'yesterday' }).set('Authorization', `Bearer ${admin}`).expect(400)).body.error.details.issues[0].path).toBe('query.on');
      await request(t.app).get('/api/rates/nothing/csv').set('Authorization', `Bearer ${admin}`).expect(404);
      await request(t.app).get('/api/rates/sell/csv').query({ on: '2025-12-31' }).set('Authorization', `Bearer ${admin}`).expect(404);
    });

    it('refuses a second version on the same day unless told to replace it', async () => {
      const before = await counts();
      expect((await importDeck('sell', SELL, { effective: '2026-01-01' }).expect(409)).body.error.code).toBe('deck_version_exists');
      expect(await counts()).toEqual(before);
    });
  });

  describe('the price before the call', () => {
    it('shows the sell rate of the longest matching prefix beside an allowed number, and none where there is no call to price', async () => {
      const preview = async (number: string) => (await request(t.app).get('/api/destinations').query({ number }).set('Authorization', `Bearer ${user}`).expect(200)).body;
      expect((await preview('030 1234567')).rate).toEqual({ destination: 'Berlin', perMinute: '0.01', connectFee: '0.05', increment: '30/6', minimumS: 0, currency: 'EUR' });
      expect((await preview('0151 23456789')).rate).toMatchObject({ destination: 'Germany mobile', perMinute: '0.12', increment: '1/1' });
      expect((await preview('0221 1234567')).rate).toMatchObject({ destination: 'Germany', perMinute: '0.02' });
      expect((await preview('+33 1 42 68 53 00')).rate).toBeNull(); // refused: no price to show
      expect((await preview('112')).rate).toBeNull();
    });
  });

  describe('charges', () => {
    it('charges a trunk call by the sell and carrier rows in effect when it started, once, however often its record is posted', async () => {
      const uuid = randomUUID();
      const body = trunkRecord({ uuid, destination: '+49301234567', billsec: 61 });
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(body)));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      // Berlin, 30/6: 61 s bills 66 s; 0.01/min → 0.011, plus the 0.05 connect fee. Carrier Germany 1/1: 61 s at 0.004.
      expect(await chargeOf(uuid)).toEqual({ billed_s: 66, sell_micros: '61000', carrier_micros: '4067', sell_prefix: '+4930' });
      expect((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM call_charges WHERE call_uuid = $1`, [uuid]))[0].n).toBe(1);
      const billed = (await t.metrics.billedAmount.get()).values;
      expect(billed.find((v) => v.labels.side === 'sell')?.value).toBeCloseTo(0.061, 9);
      expect(billed.find((v) => v.labels.side === 'carrier')?.value).toBeCloseTo(0.004067, 9);
    });

    it('charges an unanswered call nothing, and prices no call that did not go to the trunk', async () => {
      const missed = randomUUID();
      await post(trunkRecord({ uuid: missed, destination: '+4915123456789', billsec: 0, answered: false })).expect(200);
      expect(await chargeOf(missed)).toMatchObject({ billed_s: 0, sell_micros: '0', carrier_micros: '0' });
      const internal = JSON.parse(trunkRecord({ uuid: randomUUID(), destination: '+4915123456789', billsec: 30 })) as { variables: Record<string, string> };
      internal.variables['sipcall_reason'] = 'extension';
      await post(JSON.stringify(internal)).expect(200);
      expect(await chargeOf(internal.variables['uuid']!)).toBeUndefined();
    });

    it('shows the caller their price in history, and an admin also the carrier cost and margin', async () => {
      const uuid = randomUUID();
      await post(trunkRecord({ uuid, destination: '+4915123456789', billsec: 90 })).expect(200);
      const mine = (await request(t.app).get('/api/history').set('Authorization', `Bearer ${user}`).expect(200)).body.items.find((i: { callUuid: string }) => i.callUuid === uuid);
      expect(mine.charge).toEqual({ billedS: 90, sell: { amount: '0.18', currency: 'EUR' } });
      const theirs = (await request(t.app).get('/api/history').query({ userId }).set('Authorization', `Bearer ${admin}`).expect(200)).body.items.find((i: { callUuid: string }) => i.callUuid === uuid);
      expect(theirs.charge).toEqual({ billedS: 90, sell: { amount: '0.18', currency: 'EUR' }, carrier: { amount: '0.075', currency: 'EUR' }, margin: { amount: '0.105', currency: 'EUR' } });
    });

    it('adds spend per user, country and day, and the margin, to analytics', async () => {
      const from = new Date(CALL_DAY - 86_400_000).toISOString();
      const to = new Date(CALL_DAY + 86_400_000).toISOString();
      const { spend } = (await request(t.app).get('/api/analytics').query({ from, to, granularity: 'day' }).set('Authorization', `Bearer ${admin}`).expect(200)).body;
      // 0.061 + 0 + 0.18; carrier 0.004067 + 0 + 0.075
      expect(spend).toMatchObject({ currency: 'EUR', sell: '0.241', carrier: '0.079067', margin: '0.161933', unpriced: 0 });
      expect(spend.byUser).toEqual([{ userId, calls: 3, sell: '0.241', carrier: '0.079067' }]);
      expect(spend.byCountry).toEqual([{ country: 'DE', calls: 3, sell: '0.241', carrier: '0.079067' }]);
      expect(spend.byDay).toEqual([{ day: '2026-06-15', calls: 3, sell: '0.241', carrier: '0.079067' }]);
    });
  });

  describe('re-rating', () => {
    const period = { from: new Date(Date.UTC(2026, 5, 1)), to: new Date(Date.UTC(2026, 6, 1)) };
    const run = () => rerate({ records: t.services.callRecords, keys: t.services.keys, rates: t.services.rates, charges: t.services.charges }, period);

    it('changes nothing when the decks did not change', async () => {
      expect(await run()).toEqual({ calls: 3, changed: 0, unpriced: 0, unreadable: 0 });
    });

    it('after a replaced deck, names the calls it had priced; re-rating restates them once', async () => {
      const fixed = SELL.replace('4915,Germany mobile,0.12,0,1/1,0,EUR', '4915,Germany mobile,0.10,0,60/60,0,EUR');
      const res = await importDeck('sell', fixed, { effective: '2026-01-01', replace: 'true' }).expect(201);
      expect(res.body.orphaned).toMatchObject({ calls: 3 });
      expect(await run()).toEqual({ calls: 3, changed: 3, unpriced: 0, unreadable: 0 });
      expect(await run()).toEqual({ calls: 3, changed: 0, unpriced: 0, unreadable: 0 });
      // 90 s at 60/60 bills 120 s at 0.10
      const mobile = await t.db.dataSource.query<Array<{ billed_s: number; sell_micros: string }>>(`SELECT billed_s, sell_micros FROM call_charges WHERE sell_prefix = '+4915' AND billed_s > 0`);
      expect(mobile).toEqual([{ billed_s: 120, sell_micros: '200000' }]);
    });

    it('prices calls by the version in effect when each started', async () => {
      await importDeck('sell', SELL.replace('49,Germany,0.02', '49,Germany,0.03'), { effective: '2026-07-01' }).expect(201);
      const july = randomUUID();
      await post(trunkRecord({ uuid: july, destination: '+49221123456', billsec: 60, startedAt: Date.UTC(2026, 6, 2) })).expect(200);
      const june = randomUUID();
      await post(trunkRecord({ uuid: june, destination: '+49221123456', billsec: 60 })).expect(200);
      expect(await chargeOf(july)).toMatchObject({ sell_micros: '30000' });
      expect(await chargeOf(june)).toMatchObject({ sell_micros: '20000' });
    });

    it("keeps an erased user's charges for the books, with no name on them, and leaves them as they are", async () => {
      await request(t.app).post(`/api/users/${userId}/erase`).set('Authorization', `Bearer ${admin}`).expect(200);
      const named = await t.db.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM call_charges WHERE user_id = $1`, [userId]);
      expect(named[0]!.n).toBe(0);
      expect(await run()).toMatchObject({ calls: 4, changed: 0, unreadable: 4 });
    });
  });
});

// Call records from the real captured posts: stored once whatever the
// replays, duplicates and retries, sealed at rest, findable by number only
// through the blind index, and bad input refused with nothing written.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnstorableRecordError, cdrField, openRawCdr } from '../src/cdr/cdr-ingest.js';
import type { ParsedCdr } from '../src/cdr/parse.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { capture, httpCapture } from './support/fixtures.js';

const SWITCH = { user: 'freeswitch', password: 'switch-http-password-cdr' };
const auth = `Basic ${Buffer.from(`${SWITCH.user}:${SWITCH.password}`).toString('base64')}`;
const A = '6e957363-cd81-4598-a9f1-b880e9399fb9';
const B = 'f269d731-a67c-4fa6-877a-c42455552f16';

interface Row {
  call_uuid: string;
  leg: string;
  origin_uuid: string;
  user_id: string | null;
  direction: string;
  node: string;
  answered_at: Date | null;
  duration_s: number;
  billsec: number;
  hangup_cause: string;
  sip_status: number | null;
  gateway: string | null;
  decision: string | null;
  destination_enc: string | null;
  destination_idx: string | null;
  raw_enc: string;
}

describe('call records over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SWITCH_HTTP_PASSWORD: SWITCH.password, DEFAULT_COUNTRY: 'US' });
  });
  afterAll(() => t?.close());

  /** Posts a captured request as the switch did: its path and query, content type and body. */
  const replay = (name: string, body?: Buffer | string) => {
    const c = httpCapture(name);
    const path = c.requestLine.split(' ')[1]!.replace(/^\/cdr/, '/freeswitch/cdr');
    return request(t.app).post(path).set('Authorization', auth).set('Content-Type', c.headers['content-type']!).send(body ?? c.body.toString('latin1'));
  };
  const rows = (uuid?: string) => t.db.dataSource.query<Row[]>(uuid ? `SELECT * FROM cdrs WHERE call_uuid = $1 ORDER BY leg` : `SELECT * FROM cdrs ORDER BY call_uuid, leg`, uuid ? [uuid] : []);
  const count = async () => (await t.db.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM cdrs`))[0]!.n;

  it('stores both legs of the real bridged call, each once, with what the record says', async () => {
    await replay('json-cdr-bridged-sched-hangup-bleg.http').expect(200);
    await replay('json-cdr-bridged-sched-hangup-aleg.http').expect(200);
    const [a] = await rows(A);
    const [b] = await rows(B);
    expect(a).toMatchObject({ leg: 'a', origin_uuid: A, direction: 'outbound', node: 'vm', duration_s: 5, billsec: 5, hangup_cause: 'ALLOTTED_TIMEOUT', decision: 'allow', user_id: null });
    expect(b).toMatchObject({ leg: 'b', origin_uuid: A, gateway: 'carrier', hangup_cause: 'NORMAL_CLEARING' });
  });

  it('keeps the raw record exactly as posted, sealed and deflated', async () => {
    const [a] = await rows(A);
    expect(await openRawCdr(t.services.keys, a!.raw_enc, A, 'a')).toBe(httpCapture('json-cdr-bridged-sched-hangup-aleg.http').body.toString('utf8'));
    expect(a!.raw_enc.length).toBeLessThan(httpCapture('json-cdr-bridged-sched-hangup-aleg.http').body.length / 2);
  });

  it('changes nothing on a replay, or on twenty identical posts at once', async () => {
    const before = await count();
    await replay('json-cdr-bridged-sched-hangup-aleg.http').expect(200);
    const answers = await Promise.all(Array.from({ length: 20 }, () => replay('json-cdr-answered-gateway-aleg.http')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await count()).toBe(before + 1);
    const ingested = (await t.metrics.cdrsIngested.get()).values;
    expect(ingested.find((v) => v.labels.result === 'duplicate')?.value).toBe(20);
  });

  it('keeps one row from the three identical retry attempts', async () => {
    const before = await count();
    for (const n of [1, 2, 3]) await replay(`json-cdr-retry-500-attempt-${n}.http`).expect(200);
    expect(await count()).toBe(before + 1);
  });

  it('reads encode-values=false records too', async () => {
    await replay('json-cdr-encode-values-false.http').expect(200);
    expect(await rows('baec82fc-3c94-4950-a2ff-5f84d71b66e0')).toHaveLength(1);
  });

  it('refuses an encode=true form, which FreeSWITCH sends as broken JSON, with 400 (the switch spools it)', async () => {
    // With encode-values on as well, one decoding of the `cdr` field is not JSON: quotes inside values come out raw.
    const before = await count();
    const res = await replay('json-cdr-encode-true-form-urlencoded.http').expect(400);
    expect(res.body.error.message).toContain('not_json');
    expect(await count()).toBe(before);
  });

  it('reads the bare JSON that disable-100-continue labels as a form', async () => {
    // mod_json_cdr drops its Content-Type header when disable-100-continue is on, and curl
    // then labels the plain JSON application/x-www-form-urlencoded (seen with FreeSWITCH 1.10.12).
    const c = httpCapture('json-cdr-answered-gateway-aleg.http');
    const uuid = new URLSearchParams(c.requestLine.split(' ')[1]!.split('?')[1]).get('uuid')!;
    await request(t.app)
      .post(`/freeswitch/cdr?uuid=${uuid}`)
      .set('Authorization', auth)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(c.body.toString('latin1'))
      .expect(200);
    expect(await rows(uuid)).toHaveLength(1);
  });

  it('records an inbound call, a refused call and a busy one as they ended', async () => {
    for (const name of ['json-cdr-inbound-external.http', 'json-cdr-refused-403.http', 'json-cdr-busy-gateway.http']) await replay(name).expect(200);
    const [inbound] = await rows('11099329-b86e-4a19-acf1-5bab250de17b');
    expect(inbound).toMatchObject({ direction: 'inbound', sip_status: 200, billsec: 3 });
    const [refused] = await rows('51298325-bef9-42f3-aebd-2d164a2a9107');
    expect(refused).toMatchObject({ hangup_cause: 'CALL_REJECTED', billsec: 0, answered_at: null });
    const busy = (await rows()).find((r) => r.hangup_cause === 'USER_BUSY');
    expect(busy).toMatchObject({ sip_status: 486, billsec: 0, answered_at: null });
  });

  it('imports a spool file as written (the post body and a newline)', async () => {
    const result = await t.services.cdrs.ingestText(capture('json-cdr-err-log-file-after-connection-refused.json', 'freeswitch-http').toString('utf8'));
    expect(result).toBe('stored');
    expect(await rows('af039749-9c9d-41f2-9f62-a9253469b3e8')).toHaveLength(1);
    expect(await t.services.cdrs.ingestText(capture('json-cdr-err-log-file-after-connection-refused.json', 'freeswitch-http').toString('utf8'))).toBe('duplicate');
  });

  it('seals numbers and the raw record, and finds a number only through the blind index', async () => {
    const [b] = await rows(B);
    expect(b!.destination_enc).toMatch(/^v1\.d[0-9a-f]+\./);
    expect(JSON.stringify(await rows())).not.toContain('15551234567');
    // (555 numbers are not valid phone numbers: kept as dialled, sealed, and not indexed)
    expect(await t.services.keys.open(b!.destination_enc!, cdrField(B, 'b', 'destination_enc'))).toBe('15551234567');
    expect(b!.destination_idx).toBeNull();
    // a record of a routed call carries the E.164 destination, and is found by it
    const c = JSON.parse(httpCapture('json-cdr-loopback-b.http').body.toString('utf8')) as { variables: Record<string, string> };
    c.variables['sipcall_destination'] = '%2B4930123456';
    await request(t.app).post('/freeswitch/cdr').set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(c)).expect(200);
    expect(JSON.stringify(await rows())).not.toContain('4930123456');
    const found = await t.db.dataSource.query<Row[]>(`SELECT call_uuid, leg, destination_enc FROM cdrs WHERE destination_idx = $1`, [t.services.blindIndex.of('+4930123456')]);
    expect(found).toHaveLength(1);
    expect(await t.services.keys.open(found[0]!.destination_enc!, cdrField(found[0]!.call_uuid, found[0]!.leg, 'destination_enc'))).toBe('+4930123456');
    // a sealed value moved to another row does not open
    await expect(t.services.keys.open(found[0]!.destination_enc!, cdrField(A, 'a', 'destination_enc'))).rejects.toThrow(/authentication failed/);
  });

  it('stores a record of a SIPCall user with its owner, sealed with that user\'s key', async () => {
    const u = await createUser(t, { email: 'owner@example.com' });
    const c = httpCapture('json-cdr-loopback-a.http');
    const json = JSON.parse(c.body.toString('utf8')) as { variables: Record<string, string> };
    json.variables['sipcall_user_id'] = u.id;
    await request(t.app).post('/freeswitch/cdr').set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(json)).expect(200);
    const [row] = await rows(json.variables['uuid']);
    expect(row!.user_id).toBe(u.id);
    const keyOwner = await t.db.dataSource.query<Array<{ owner: string }>>(`SELECT owner FROM data_keys WHERE key_id = $1`, [row!.raw_enc.split('.')[1]]);
    expect(keyOwner[0]!.owner).toBe(`user:${u.id}`);
  });

  it('names the caller and the callee of every captured record from the fields its direction fills', async () => {
    // Originated legs (channel_cid_flipped=yes) carry the callee in the caller profile once answered;
    // the caller is the id the originate set.
    const expected: Record<string, { caller: string; destination: string }> = {
      'json-cdr-answered-gateway-aleg.http': { caller: '15550009999', destination: '15551234567' },
      'json-cdr-encode-values-false.http': { caller: '15550009999', destination: '15551234567' },
      'json-cdr-retry-500-attempt-1.http': { caller: '15550009999', destination: '15551234567' },
      'json-cdr-busy-gateway.http': { caller: '15550009999', destination: '15557654321' },
      'json-cdr-bridged-sched-hangup-aleg.http': { caller: '1000', destination: '15551234567' },
      'json-cdr-bridged-sched-hangup-bleg.http': { caller: '1000', destination: '15551234567' },
      'json-cdr-inbound-external.http': { caller: 'sipp', destination: '9196' },
      'json-cdr-refused-403.http': { caller: '1000', destination: '15551234567' },
      // the stock directory presents user 1000 as 0000000000
      'json-cdr-internal-user-static-dialplan.http': { caller: '0000000000', destination: '15551234567' },
      'json-cdr-wrong-context-no-route.http': { caller: '1000', destination: '15551234567' },
      'json-cdr-loopback-a.http': { caller: '5550002', destination: '9196' },
      'json-cdr-loopback-b.http': { caller: '5550002', destination: '9196' },
    };
    // A SIPCall user's leg without an extension: the SIP name is the user's id, which is no number.
    const own = JSON.parse(httpCapture('json-cdr-refused-403.http').body.toString('utf8')) as { variables: Record<string, string>; callflow: Array<{ caller_profile: Record<string, string> }> };
    const sipName = randomUUID();
    delete own.variables['effective_caller_id_number'];
    own.callflow[0]!.caller_profile['caller_id_number'] = sipName;
    own.variables['sip_from_user'] = sipName;
    own.variables['uuid'] = randomUUID();
    await request(t.app).post('/freeswitch/cdr').set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(own)).expect(200);
    const [mine] = await t.db.dataSource.query<Array<{ caller_enc: string | null }>>(`SELECT caller_enc FROM cdrs WHERE call_uuid = $1`, [own.variables['uuid']]);
    expect(mine!.caller_enc).toBeNull();
    for (const [name, want] of Object.entries(expected)) {
      // Each under a uuid of its own, so records other tests stored stay out of it.
      const record = JSON.parse(httpCapture(name).body.toString('utf8')) as { variables: Record<string, string> };
      const uuid = randomUUID();
      record.variables['uuid'] = uuid;
      await request(t.app).post('/freeswitch/cdr').set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(record)).expect(200);
      const [row] = await t.db.dataSource.query<Array<{ leg: string; caller_enc: string; destination_enc: string }>>(`SELECT leg, caller_enc, destination_enc FROM cdrs WHERE call_uuid = $1`, [uuid]);
      const open = (sealed: string, column: string) => t.services.keys.open(sealed, cdrField(uuid, row!.leg, column));
      expect({ name, caller: await open(row!.caller_enc, 'caller_enc'), destination: await open(row!.destination_enc, 'destination_enc') }).toEqual({ name, ...want });
    }
  });

  describe('bad input', () => {
    const post = (body: string, type = 'application/json') => request(t.app).post('/freeswitch/cdr').set('Authorization', auth).set('Content-Type', type).send(body);

    it.each([
      ['invalid JSON', '{"variables": {', 400],
      ['wrong types', '{"variables": "none"}', 400],
      ['a missing uuid', JSON.stringify({ variables: { start_uepoch: '1795237083428669', end_uepoch: '1795237088428685' } }), 400],
      ['an end before the start', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000009', start_uepoch: '1795237088428685', end_uepoch: '1795237083428669' } }), 400],
      ['an array', '[1,2,3]', 400],
      ['a call flow that is not an object', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-00000000000a', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685' }, callflow: 'x' }), 400],
      ['a caller profile with a number for the dialled number', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-00000000000b', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685' }, callflow: [{ caller_profile: { destination_number: 42 } }] }), 400],
      ['a switch name that is not text', JSON.stringify({ switchname: ['vm'], variables: { uuid: '00000000-0000-4000-8000-00000000000c', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685' } }), 400],
      ['a start in the year 10000', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-00000000000d', start_uepoch: '253402300800000000', end_uepoch: '253402300800000001' } }), 400],
      ['an end past any date', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-00000000000e', start_uepoch: '1795237083428669', end_uepoch: '99999999999999999999999' } }), 400],
      ['an answer time that is not a number', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-00000000000f', start_uepoch: '1795237083428669', answer_uepoch: '1e30', end_uepoch: '1795237088428685' } }), 400],
      ['a start before the year 2000', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000011', start_uepoch: '1000', end_uepoch: '2000' } }), 400],
      ['a NUL byte in a value', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000012', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685', sipcall_reason: 'a\u0000b' } }), 400],
      ['a NUL byte as %00', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000013', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685', sip_gateway_name: 'trunk%00' } }), 400],
      ['a NUL byte in the switch name', JSON.stringify({ switchname: 'vm\u0000', variables: { uuid: '00000000-0000-4000-8000-000000000014', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685' } }), 400],
      ['a NUL byte in the caller profile', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000015', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685' }, callflow: [{ caller_profile: { caller_id_number: '1\u00002' } }] }), 400],
      ['half a surrogate pair', JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000016', start_uepoch: '1795237083428669', end_uepoch: '1795237088428685', sipcall_reason: '%ED%A0%80x' } }).replace('x', '\\ud800'), 400],
    ])('refuses %s with a clear 4xx, a counter, and nothing written', async (_what, body, status) => {
      const before = await count();
      const rejected = (await t.metrics.cdrsIngested.get()).values.find((v) => v.labels.result === 'rejected')?.value ?? 0;
      const res = await post(body).expect(status);
      expect(res.body.error.code).toBe('validation_failed');
      expect(await count()).toBe(before);
      expect((await t.metrics.cdrsIngested.get()).values.find((v) => v.labels.result === 'rejected')?.value).toBe(rejected + 1);
    });

    it('stores every good record posted beside bad ones at once, and refuses only the bad ones', async () => {
      const template = JSON.parse(httpCapture('json-cdr-loopback-b.http').body.toString('utf8')) as { variables: Record<string, string> };
      const record = (n: number, bad: boolean) => {
        const c = structuredClone(template);
        c.variables['uuid'] = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
        if (bad) c.variables['sipcall_reason'] = n % 2 ? 'x%00' : 'y\u0000';
        if (bad && n % 3 === 0) c.variables['start_uepoch'] = '253402300800000000';
        return JSON.stringify(c);
      };
      const before = await count();
      const answers = await Promise.all(Array.from({ length: 60 }, (_, n) => post(record(n, n % 10 === 7))));
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, (_, n) => (n % 10 === 7 ? 400 : 200)));
      expect(await count()).toBe(before + 54);
    });

    it('writes records one by one when the database refuses their batch, so only the one it cannot keep fails', async () => {
      // Past the edge's checks (as if one had a gap): a NUL the database's text refuses, a direction its CHECK refuses.
      const record = (n: number, flaw?: 'nul' | 'direction'): ParsedCdr => ({
        callUuid: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
        leg: 'a',
        originUuid: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
        userId: null,
        direction: flaw === 'direction' ? ('sideways' as 'inbound') : 'outbound',
        node: 'vm',
        startedAt: new Date('2026-11-21T04:00:00Z'),
        answeredAt: null,
        endedAt: new Date('2026-11-21T04:00:05Z'),
        durationS: 5,
        billsec: 0,
        hangupCause: 'NORMAL_CLEARING',
        sipStatus: null,
        gateway: null,
        decision: null,
        reason: flaw === 'nul' ? 'a\u0000b' : null,
        destination: null,
        destinationE164: null,
        caller: null,
        callerE164: null,
        country: null,
        raw: new Uint8Array([1, 2, 3]),
      });
      const before = await count();
      const flaws = new Map<number, 'nul' | 'direction'>([[3, 'nul'], [11, 'direction']]);
      const results = await Promise.allSettled(Array.from({ length: 40 }, (_, n) => t.services.cdrIngest.submit(record(n, flaws.get(n)))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(38);
      expect(results[3]).toMatchObject({ status: 'rejected', reason: expect.any(UnstorableRecordError) });
      expect(results[11]).toMatchObject({ status: 'rejected', reason: expect.any(UnstorableRecordError) });
      expect(await count()).toBe(before + 38);
    });

    it('refuses a huge body with 413 and writes nothing', async () => {
      const before = await count();
      await post(JSON.stringify({ variables: { uuid: '00000000-0000-4000-8000-000000000010', pad: 'x'.repeat(2 * 1024 * 1024) } })).expect(413);
      expect(await count()).toBe(before);
    });

    it('refuses a post without the switch credentials with 401', async () => {
      await request(t.app).post('/freeswitch/cdr').set('Content-Type', 'application/json').send(httpCapture('json-cdr-busy-gateway.http').body.toString()).expect(401);
    });
  });
});

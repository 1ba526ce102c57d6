// Against a real FreeSWITCH, when one is configured: SIPCALL_TEST_FREESWITCH
// names its `freeswitch` binary (1.10, with the modules freeswitch/ loads).
// It runs on this namespace's loopback with the repository's freeswitch/
// configuration, pointed at SIPCall: two browser pages register through the
// backend's directory, call each other through its dialplan (media through
// the switch), hold and resume, hang up; a call the routing policy refuses
// shows the reason the switch sent in its X-SIPCall-Reason header; the call
// records arrive; a click-to-call rings the user's page, then the extension,
// and is hung up over the API. Then calls to phone numbers go through the trunk to a SIPp
// carrier that takes G.711 only (the switch transcodes the browser's opus),
// to one that takes opus when the trunk offers it, and thirty at once from
// SIPCall users' desk phones (SIPp) with a browser's call on top.
// Without the variable this file is skipped and says so; it needs SIPp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext, shoot, signIn } from './support/browser.js';
import { Carrier, sippMissing } from './support/carrier.js';
import { DeskPhones, type DeskPhone } from './support/phones.js';
import { Backend, freePort, type Proc } from './support/stack.js';
import { startFreeSwitch, switchBackendEnv, switchModulesMissing } from './support/switch.js';

const binary = process.env['SIPCALL_TEST_FREESWITCH'];
if (!binary) console.warn('freeswitch.e2e: skipped: set SIPCALL_TEST_FREESWITCH to a FreeSWITCH 1.10 binary to run the real-switch browser tests');
if (binary && switchModulesMissing(binary)) throw new Error(`freeswitch.e2e: ${switchModulesMissing(binary)}`);
if (binary && sippMissing()) throw new Error(`freeswitch.e2e: ${sippMissing()}: the trunk tests need a carrier`);

/** Where freeswitch/ points its trunk gateway by default (SIPCALL_TRUNK_PROXY). */
const CARRIER_PORT = 5090;
/** Calls to the trunk at once, from desk phones (browsers that many are more than a small test machine runs). */
const CROWD = 30;

const ESL_PASSWORD = 'esl-password-for-e2e-42';
const SWITCH_HTTP_PASSWORD = 'switch-http-password-for-e2e';
const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob' };

describe.skipIf(!binary)('browsers through a real FreeSWITCH', () => {
  let dir: string;
  let freeswitch: Proc;
  let backend: Backend;
  let browser: Browser;
  let annToken: string;
  let ann: Page;
  let bob: Page;
  const state = (p: Page) => p.getByTestId('call-state').textContent();
  const packets = async (p: Page) => Number(await p.getByTestId('call-panel').getAttribute('data-packets-received'));

  let carrier: Carrier | null = null;
  let phones: DeskPhones | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sipcall-fs-'));
    const backendPort = await freePort();
    backend = new Backend({
      port: backendPort,
      env: {
        ...switchBackendEnv(ESL_PASSWORD, SWITCH_HTTP_PASSWORD),
        SIPCALL_BOOTSTRAP_ADMIN_EMAIL: ANN.email,
        SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: ANN.password,
        SIPCALL_BOOTSTRAP_ADMIN_NAME: ANN.name,
        DEFAULT_COUNTRY: 'DE',
        // The crowd's thirty callers sign in at once and their calls start within a few seconds.
        GLOBAL_CALLS_PER_SECOND: '100',
        LOGIN_RATE_LIMIT_MAX: '1000',
      },
    });
    freeswitch = startFreeSwitch({
      binary: binary!,
      dir,
      backendUrl: `http://127.0.0.1:${backendPort}`,
      eslPassword: ESL_PASSWORD,
      switchHttpPassword: SWITCH_HTTP_PASSWORD,
      // The switch's limits follow SIPCall's caps (GLOBAL_CALLS_PER_SECOND above).
      env: { SIPCALL_CALLS_PER_SECOND: '100' },
      console: true,
    });
    // The backend is ready once its event-socket link to the switch is.
    await backend.start();
    annToken = (await backend.api<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password })).accessToken;
    const me = await backend.api<{ user: { id: string } }>('GET', '/api/auth/me', annToken);
    await backend.api('PATCH', `/api/users/${me.user.id}`, annToken, { extension: '1001' });
    await backend.api('POST', '/api/users', annToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: '1002' });
    browser = await launchChromium();
    ann = await (await newContext(browser)).newPage();
    bob = await (await newContext(browser)).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await phones?.dispose();
    await carrier?.dispose();
    await freeswitch?.stop();
    await backend?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers both pages to the switch with their session SIP accounts', async () => {
    await signIn(ann, backend.url, ANN.email, ANN.password);
    await signIn(bob, backend.url, BOB.email, BOB.password);
    await expect.poll(() => ann.getByTestId('phone-status').textContent(), { timeout: 20_000 }).toContain('Phone ready');
    await expect.poll(() => bob.getByTestId('phone-status').textContent(), { timeout: 20_000 }).toContain('Phone ready');
    // The switch's own registry lists each page once, under the user it belongs to.
    const ids = await Promise.all([ANN, BOB].map(async (u) => (await backend.api<{ user: { id: string } }>('GET', '/api/auth/me', (await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: u.email, password: u.password })).accessToken)).user.id));
    const registered = await backend.api<{ devices: Record<string, number>; switches: Record<string, string> }>('GET', '/api/registrations', annToken);
    expect(registered.devices).toEqual({ [ids[0]!]: 1, [ids[1]!]: 1 });
    expect(Object.values(registered.switches)).toEqual(['ready']);
  });

  it('calls an extension through the dialplan: ringing, answer, audio both ways, hold and resume, hang-up', async () => {
    await ann.getByLabel('Number to call').fill('1002');
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain('Extension 1002');
    await ann.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => state(bob)).toContain('Incoming call');
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => state(ann)).toContain('Connected');
    await expect.poll(() => packets(ann)).toBeGreaterThan(20);
    await expect.poll(() => packets(bob)).toBeGreaterThan(20);
    await shoot(ann, '20-freeswitch-call');
    await ann.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => state(ann)).toContain('On hold');
    await ann.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => state(ann)).toContain('Connected');
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => state(bob)).toContain('Call ended');
    await ann.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('shows the reason the switch gave when the routing policy refuses a call', async () => {
    // Two calls to the trunk within a second: the second meets the per-user rate limit.
    await ann.getByLabel('Number to call').fill('030 1234567');
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain('Germany');
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await ann.getByRole('button', { name: 'Call', exact: true }).click();
      await expect.poll(() => state(ann), { timeout: 20_000 }).toContain('Call ended');
      outcomes.push((await ann.getByTestId('call-outcome').textContent()) ?? '');
    }
    expect(outcomes).toContain('Refused: Too many calls in a short time. Wait a moment.');
    await shoot(ann, '21-freeswitch-refused');
  });

  it('stores the call records the switch posts', async () => {
    await expect
      .poll(async () => (await backend.api<{ items: Array<{ reason: string | null }> }>('GET', '/api/history?limit=50', annToken)).items.map((r) => r.reason))
      .toEqual(expect.arrayContaining(['extension', 'user_cps']));
  });
  it('click-to-call: rings the user’s own page, then bridges to the extension; the live call is listed and hung up over the API', async () => {
    const started = await backend.api<{ id: string; pending: boolean }>('POST', '/api/calls', annToken, { destination: '1002' });
    // The switch first rings Ann's registered page (originate to her SIP user) …
    await expect.poll(() => state(ann), { timeout: 20_000 }).toContain('Incoming call');
    await ann.getByRole('button', { name: 'Answer' }).click();
    // … then runs the dialplan for 1002 on the answered leg: Bob's page rings.
    await expect.poll(() => state(bob), { timeout: 20_000 }).toContain('Incoming call');
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => state(bob)).toContain('Connected');
    await expect.poll(() => packets(bob)).toBeGreaterThan(20);
    await expect.poll(() => packets(ann)).toBeGreaterThan(20);
    const live = await backend.api<{ calls: Array<{ id: string; state: string; destination: string }> }>('GET', '/api/calls', annToken);
    expect(live.calls).toContainEqual(expect.objectContaining({ id: started.id, state: 'answered' }));
    await backend.api('POST', `/api/calls/${started.id}/hangup`, annToken, {});
    await expect.poll(() => state(ann)).toContain('Call ended');
    await expect.poll(() => state(bob)).toContain('Call ended');
    await expect.poll(async () => (await backend.api<{ calls: unknown[] }>('GET', '/api/calls', annToken)).calls).toEqual([]);
    await ann.getByRole('button', { name: 'Close', exact: true }).click();
    await bob.getByRole('button', { name: 'Close', exact: true }).click();
  });

  /** Places a call to a German number from a page and waits until it is connected. */
  /** Calls a German number from a page; connected, or the reason the page gives. */
  const callOut = async (p: Page, number: string) => {
    await p.getByLabel('Number to call').fill(number);
    await expect.poll(() => p.locator('.dialpad__preview').textContent()).toContain('Germany');
    await p.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => state(p), { timeout: 30_000 }).toMatch(/Connected|Call ended/);
    const outcome = (await state(p))?.includes('Connected') ? 'connected' : await p.getByTestId('call-outcome').textContent();
    expect(outcome).toBe('connected');
  };
  const hangUp = async (p: Page) => {
    await p.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => state(p)).toContain('Call ended');
    await p.getByRole('button', { name: 'Close', exact: true }).click();
  };
  const history = () => backend.api<{ items: Array<{ destination: string | null; caller: string | null; reason: string | null; direction: string; billsec: number }> }>('GET', '/api/history?limit=200', annToken);

  /** Ann's page signed in and registered, whichever tests ran before (each trunk test runs alone too). */
  const annReady = async () => {
    if (!(await ann.getByTestId('phone-status').isVisible())) await signIn(ann, backend.url, ANN.email, ANN.password);
    await expect.poll(() => ann.getByTestId('phone-status').textContent(), { timeout: 30_000 }).toContain('Phone ready');
  };

  it('calls a phone number through the trunk to a carrier that takes G.711 only: connected, audio both ways, transcoded', async () => {
    await annReady();
    carrier = new Carrier(CARRIER_PORT, 'g711');
    await carrier.start();
    // Past the per-user call rate of the refused calls above.
    await new Promise((r) => setTimeout(r, 1100));
    await callOut(ann, '030 1234567');
    // The browser hears the carrier's echo: its own audio, through the switch (opus → PCMU), the carrier and back (PCMU → opus).
    await expect.poll(() => packets(ann)).toBeGreaterThan(50);
    const [leg] = carrier.received();
    expect(leg!.packets).toBeGreaterThan(50);
    // The trunk leg carries G.711 (PCMU is payload type 0), never the browser's opus.
    expect([...leg!.payloadTypes]).toEqual([0]);
    await shoot(ann, '22-freeswitch-trunk-g711');
    await hangUp(ann);
  });

  it('keeps the call record of that call with the right caller and callee', async () => {
    await expect
      .poll(async () => (await history()).items.find((r) => r.reason === 'allowed' && r.direction === 'outbound'))
      .toMatchObject({ destination: '+49301234567', caller: '1001' });
  });

  it('prices a call before it is placed, runs its cost, and cuts it when prepaid credit runs out, with the warning tone a minute before', async () => {
    // A sell deck: Germany at 0.10 a minute by the second; Ann prepaid with 0.12, which buys 72 s.
    const deck = ['prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency', '49,Germany,0.10,0,1/1,0,EUR'].join('\n');
    const imported = await fetch(`${backend.url}/api/rates/sell?effective=2026-01-01`, { method: 'POST', headers: { Authorization: `Bearer ${annToken}`, 'Content-Type': 'text/csv' }, body: deck });
    expect(imported.status).toBe(201);
    const me = await backend.api<{ user: { id: string } }>('GET', '/api/auth/me', annToken);
    const { account } = await backend.api<{ account: { id: string } }>('PUT', `/api/billing/users/${me.user.id}`, annToken, { mode: 'prepaid' });
    await backend.api('POST', `/api/billing/accounts/${account.id}/credit`, annToken, { kind: 'top_up', amount: '0.12', reason: 'e2e credit', requestId: crypto.randomUUID() });
    // What the switch runs on the call, as its own events say.
    const { EslClient } = await import('../../backend/src/switch/esl/client.js');
    const esl = await EslClient.connect({ host: '127.0.0.1', port: 8021, password: ESL_PASSWORD });
    const executed: Array<{ at: number; app: string }> = [];
    esl.on('CHANNEL_EXECUTE', (e) => executed.push({ at: Date.now(), app: `${e.headers.get('Application')} ${e.headers.get('Application-Data') ?? ''}`.trim() }));
    await esl.subscribe(['CHANNEL_EXECUTE'], 'json');
    try {
      await annReady();
      await new Promise((r) => setTimeout(r, 1100));
      // A number not typed before: its price is asked for afresh.
      await ann.getByLabel('Number to call').fill('030 2345678');
      await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain('€0.10/min');
      await ann.getByRole('button', { name: 'Call', exact: true }).click();
      await expect.poll(() => state(ann), { timeout: 30_000 }).toContain('Connected');
      const connectedAt = Date.now();
      await expect.poll(() => ann.getByTestId('call-cost').textContent(), { timeout: 10_000 }).toMatch(/Cost so far: €0\.0[0-9]+/);
      // On answer: the cut at what 0.12 buys (72 s, one second early) and the warning scheduled a minute before it.
      await expect.poll(() => executed.map((e) => e.app)).toContain('sched_hangup +71 ALLOTTED_TIMEOUT');
      expect(executed.map((e) => e.app)).toContain('sched_broadcast +11 tone_stream://%(300,200,880);loops=3 aleg');
      // The warning plays to the caller's leg about eleven seconds in, and the call carries on after it.
      await expect.poll(() => executed.find((e) => e.app.startsWith('playback tone_stream://')), { timeout: 20_000 }).toBeDefined();
      const warned = executed.find((e) => e.app.startsWith('playback tone_stream://'))!;
      expect((warned.at - connectedAt) / 1000).toBeGreaterThan(8);
      expect((warned.at - connectedAt) / 1000).toBeLessThan(16);
      await new Promise((r) => setTimeout(r, 8_000));
      expect(await state(ann)).toContain('Connected');
      await expect.poll(() => state(ann), { timeout: 75_000, interval: 1000 }).toContain('Call ended');
      const talkedS = (Date.now() - connectedAt) / 1000;
      expect(talkedS).toBeGreaterThan(68);
      expect(talkedS).toBeLessThan(76);
      await shoot(ann, '22b-freeswitch-credit-cut');
      await ann.getByRole('button', { name: 'Close', exact: true }).click();
    } finally {
      await esl.close();
    }
    // The record, the ledger and the balance agree: 71 s at 0.10 a minute, by the second.
    type Item = { reason: string | null; hangupCause: string; billsec: number; charge: { billedS: number; sell: { amount: string } } | null };
    await expect.poll(async () => (await backend.api<{ items: Item[] }>('GET', '/api/history?limit=5', annToken)).items.find((r) => r.reason === 'allowed' && r.charge !== null), { timeout: 20_000 }).toBeDefined();
    const [last] = (await backend.api<{ items: Item[] }>('GET', '/api/history?limit=5', annToken)).items.filter((r) => r.reason === 'allowed' && r.charge !== null);
    expect(last!.hangupCause).toBe('ALLOTTED_TIMEOUT');
    expect(last!.billsec).toBeLessThanOrEqual(72);
    const price = Math.ceil((100_000 * last!.billsec) / 60);
    expect(last!.charge!.sell.amount).toBe(`0.${String(price).padStart(6, '0')}`.replace(/0+$/, ''));
    const summary = await backend.api<{ account: { balance: string; held: string } }>('GET', '/api/me/billing', annToken);
    expect(summary.account).toMatchObject({ held: '0', balance: `0.${String(120_000 - price).padStart(6, '0')}`.replace(/0+$/, '') });
    expect(await backend.api('GET', '/api/billing/verify', annToken)).toEqual({ differences: [] });
    // The calls that follow are not on credit.
    await backend.api('PUT', `/api/billing/users/${me.user.id}`, annToken, { mode: 'postpaid' });
  }, 180_000);

  it('talks opus to a carrier that takes it, when the trunk is set to offer it', async () => {
    await carrier?.dispose();
    carrier = new Carrier(CARRIER_PORT, 'opus');
    await carrier.start();
    await backend.restart({ TRUNK_CODECS: 'OPUS,PCMU,PCMA' });
    await annReady();
    await callOut(ann, '030 7654321');
    await expect.poll(() => packets(ann)).toBeGreaterThan(50);
    const [leg] = carrier.received();
    expect(leg!.packets).toBeGreaterThan(50);
    // One dynamic payload type (opus), no G.711.
    expect([...leg!.payloadTypes]).toHaveLength(1);
    expect([...leg!.payloadTypes][0]).toBeGreaterThanOrEqual(96);
    await hangUp(ann);
    await backend.restart({ TRUNK_CODECS: 'PCMU,PCMA' });
  });

  it(`carries ${CROWD} calls to the trunk at once, each with audio both ways, and a browser's call on top`, async () => {
    await carrier?.dispose();
    carrier = new Carrier(CARRIER_PORT, 'g711');
    await carrier.start();
    // The callers' desk phones, each signed in as its own SIPCall user with its own session SIP account.
    const callers: DeskPhone[] = await Promise.all(
      Array.from({ length: CROWD }, async (_, i) => {
        const email = `caller${i}@example.test`;
        const password = `caller ${i} has a long password`;
        await backend.api('POST', '/api/users', annToken, { email, displayName: `Caller ${i}`, password, extension: String(3000 + i) });
        const { accessToken } = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email, password });
        const sip = await backend.api<{ username: string; password: string }>('POST', '/api/sip/credentials', accessToken);
        return { username: sip.username, password: sip.password, number: `+4930555${String(i).padStart(4, '0')}` };
      }),
    );
    phones = new DeskPhones(5060);
    await phones.call(callers, 10);
    type Live = { calls: Array<{ id: string; state: string; userId: string | null; destination: string }> };
    const live = () => backend.api<Live>('GET', '/api/calls', annToken);
    const crowdCalls = async () => (await live()).calls.filter((c) => c.destination.startsWith('+4930555'));
    await expect
      .poll(async () => (await crowdCalls()).filter((c) => c.state === 'answered').length, { timeout: 60_000, interval: 500 })
      .toBe(CROWD)
      .catch((err: unknown) => {
        // What the phones that failed were told, and what the switch said.
        console.error(phones!.tail(), freeswitch.tail(30));
        throw err;
      });

    // While all thirty are up: a browser's call too, with audio both ways.
    await annReady();
    await callOut(ann, '030 9876543');
    await expect.poll(() => packets(ann)).toBeGreaterThan(50);
    await shoot(ann, '23-freeswitch-crowd');

    // Audio both ways on every call: the switch sent each trunk leg G.711, and each phone what came back.
    await expect.poll(() => phones!.received().filter((s) => s.packets > 50).length, { timeout: 30_000 }).toBe(CROWD);
    const trunkLegs = carrier.received();
    expect(trunkLegs.filter((s) => s.packets > 50)).toHaveLength(CROWD + 1);
    for (const leg of trunkLegs) expect([...leg.payloadTypes], leg.source).toEqual([0]);

    // An admin ends them: the switch hangs each up, and every phone's call ends with its BYE.
    for (const c of await crowdCalls()) await backend.api('POST', `/api/calls/${c.id}/hangup`, annToken, {});
    expect(await phones.exited, phones.tail()).toBe(0);
    await hangUp(ann);
    await expect
      .poll(async () => (await history()).items.filter((r) => r.reason === 'allowed' && r.destination?.startsWith('+4930555')).map((r) => r.caller).sort(), { timeout: 30_000 })
      .toEqual(Array.from({ length: CROWD }, (_, i) => String(3000 + i)).sort());
  }, 180_000);
});

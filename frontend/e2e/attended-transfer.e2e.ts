// Attended transfer through a real FreeSWITCH (SIPCALL_TEST_FREESWITCH names
// its binary, as for freeswitch.e2e.ts): Ann calls Bob, puts him on hold and
// talks to Carl first (a second call through the dialplan), then completes the
// transfer — a REFER with Replaces, which the switch answers 202, reports with a
// NOTIFY (sipfrag 200), ends Ann's two legs with a BYE each, and bridges Bob
// and Carl, who go on hearing each other — or returns to Bob. Screenshots of
// both calls on Ann's screen at both sizes in both themes, checked by axe-core.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext, signIn } from './support/browser.js';
import { shootCallView } from './support/call-view.js';
import { Backend, freePort, type Proc } from './support/stack.js';
import { startFreeSwitch, switchBackendEnv, switchModulesMissing } from './support/switch.js';

const binary = process.env['SIPCALL_TEST_FREESWITCH'];
if (!binary) console.warn('attended-transfer.e2e: skipped: set SIPCALL_TEST_FREESWITCH to a FreeSWITCH 1.10 binary to run the attended-transfer browser tests');
if (binary && switchModulesMissing(binary)) throw new Error(`attended-transfer.e2e: ${switchModulesMissing(binary)}`);

const ESL_PASSWORD = 'esl-password-for-e2e-42';
const SWITCH_HTTP_PASSWORD = 'switch-http-password-for-e2e';
const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann Admin', extension: '1001' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob Berger', extension: '1002' };
const CARL = { email: 'carl@example.test', password: 'carl-password-12345', name: 'Carl Clerk', extension: '1003' };

describe.skipIf(!binary)('attended transfer through a real FreeSWITCH', () => {
  let dir: string;
  let freeswitch: Proc;
  let backend: Backend;
  let browser: Browser;
  let ann: Page;
  let bob: Page;
  let carl: Page;
  const state = (p: Page) => p.getByTestId('call-state').textContent();
  const packets = async (p: Page) => Number(await p.getByTestId('call-panel').getAttribute('data-packets-received'));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sipcall-fs-xfer-'));
    const backendPort = await freePort();
    backend = new Backend({
      port: backendPort,
      env: {
        ...switchBackendEnv(ESL_PASSWORD, SWITCH_HTTP_PASSWORD),
        SIPCALL_BOOTSTRAP_ADMIN_EMAIL: ANN.email,
        SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: ANN.password,
        SIPCALL_BOOTSTRAP_ADMIN_NAME: ANN.name,
        DEFAULT_COUNTRY: 'DE',
        // The consultation follows the first call within a second: past the default per-user rate.
        USER_CALLS_PER_SECOND: '5',
      },
    });
    freeswitch = startFreeSwitch({ binary: binary!, dir, backendUrl: `http://127.0.0.1:${backendPort}`, eslPassword: ESL_PASSWORD, switchHttpPassword: SWITCH_HTTP_PASSWORD, console: true });
    await backend.start();
    const login = await backend.api<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    await backend.api('PATCH', `/api/users/${login.user.id}`, login.accessToken, { extension: ANN.extension });
    for (const u of [BOB, CARL]) await backend.api('POST', '/api/users', login.accessToken, { email: u.email, displayName: u.name, password: u.password, extension: u.extension });
    browser = await launchChromium();
    const page = async () => (await newContext(browser, { viewport: { width: 1200, height: 800 }, bypassCSP: true })).newPage();
    [ann, bob, carl] = [await page(), await page(), await page()];
    for (const p of [ann, bob, carl]) p.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await freeswitch?.stop();
    await backend?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers the three pages to the switch', async () => {
    await signIn(ann, backend.url, ANN.email, ANN.password);
    await signIn(bob, backend.url, BOB.email, BOB.password);
    await signIn(carl, backend.url, CARL.email, CARL.password);
    for (const p of [ann, bob, carl]) await expect.poll(() => p.getByTestId('phone-status').textContent(), { timeout: 30_000 }).toContain('Phone ready');
  });

  /** Hangs up and closes whatever call screen a test left open. */
  async function closeAll() {
    for (const p of [ann, bob, carl]) {
      const hangup = p.getByTestId('call-panel').getByRole('button', { name: 'Hang up' });
      if (await hangup.isVisible()) await hangup.click();
      const ret = p.getByTestId('call-panel').getByRole('button', { name: 'Return to caller' });
      if (await ret.isVisible()) await ret.click();
    }
    for (const p of [ann, bob, carl]) {
      await expect.poll(async () => (await p.getByTestId('call-panel').count()) === 0 || (await state(p))?.includes('Call ended'), { timeout: 20_000 }).toBe(true);
      // (the page's toasts have a Close button of their own)
      const close = p.getByTestId('call-panel').getByRole('button', { name: 'Close' });
      if (await close.isVisible()) await close.click();
    }
  }

  /** Ann calls Bob, who answers; Ann then talks to Carl first, who answers too. */
  async function consultCarl() {
    await ann.getByLabel('Number to call').fill(BOB.extension);
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain(`Extension ${BOB.extension}`);
    await ann.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => state(bob), { timeout: 20_000 }).toContain('Incoming call');
    // The switch's dialplan names the caller by display name, not by SIP user id.
    await expect.poll(() => bob.locator('#call-party').textContent()).toBe(ANN.name);
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => state(ann)).toContain('Connected');
    await ann.getByRole('button', { name: 'Transfer' }).click();
    await ann.getByLabel('Transfer to number').fill(CARL.extension);
    await ann.getByRole('button', { name: 'Talk first' }).click();
    // Ann dialled Bob's extension: that is what her screen names him by.
    await expect.poll(() => ann.getByTestId('call-held').textContent()).toContain(BOB.extension);
    await expect.poll(() => state(ann)).toMatch(/Calling|Ringing/);
    await expect.poll(() => state(carl), { timeout: 20_000 }).toContain('Incoming call');
    await expect.poll(() => carl.locator('#call-party').textContent()).toBe(ANN.name);
    await carl.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => state(ann)).toContain('Connected');
    await expect.poll(() => ann.getByTestId('call-held').textContent()).toContain('On hold');
    // (The switch plays Bob its hold music: his page stays connected.)
    await expect.poll(() => packets(carl)).toBeGreaterThan(20);
  }

  it('completes the transfer: Ann’s calls end, Bob and Carl are connected and hear each other', async () => {
    await consultCarl();
    expect(await shootCallView(ann, '52-attended-transfer')).toBe('');
    await ann.getByRole('button', { name: 'Complete transfer' }).click();
    await expect.poll(() => ann.getByTestId('call-transfer-note').textContent(), { timeout: 20_000 }).toBe(`${BOB.extension} and ${CARL.extension} are now talking to each other.`);
    await expect.poll(() => state(ann)).toContain('Call ended');
    // The switch bridged the other two legs: both still connected, audio still flowing.
    await expect.poll(() => state(bob)).toContain('Connected');
    expect(await state(carl)).toContain('Connected');
    const [bobBefore, carlBefore] = [await packets(bob), await packets(carl)];
    await expect.poll(() => packets(bob)).toBeGreaterThan(bobBefore + 50);
    await expect.poll(() => packets(carl)).toBeGreaterThan(carlBefore + 50);
    await bob.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => state(carl)).toContain('Call ended');
  });

  it('returns to the caller: the call to Carl ends, Bob is back', async () => {
    await closeAll();
    await consultCarl();
    await ann.getByRole('button', { name: 'Return to caller' }).click();
    await expect.poll(() => state(carl)).toContain('Call ended');
    await expect.poll(() => ann.getByTestId('call-transfer-note').textContent()).toBe(`You are back with ${BOB.extension}.`);
    await expect.poll(() => state(ann)).toContain('Connected');
    await expect.poll(() => state(bob)).toContain('Connected');
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => state(bob)).toContain('Call ended');
  });
});

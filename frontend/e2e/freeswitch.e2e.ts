// Against a real FreeSWITCH, when one is configured: SIPCALL_TEST_FREESWITCH
// names its `freeswitch` binary (1.10, with the modules freeswitch/ loads).
// It runs on this namespace's loopback with the repository's freeswitch/
// configuration, pointed at SIPCall: two browser pages register through the
// backend's directory, call each other through its dialplan (media through
// the switch), hold and resume, hang up; a call the routing policy refuses
// shows the reason the switch sent in its X-SIPCall-Reason header; the call
// records arrive. Without the variable this file is skipped and says so.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shoot, signIn } from './support/browser.js';
import { Backend, Proc, freePort, root } from './support/stack.js';

const binary = process.env['SIPCALL_TEST_FREESWITCH'];
if (!binary) console.warn('freeswitch.e2e: skipped: set SIPCALL_TEST_FREESWITCH to a FreeSWITCH 1.10 binary to run the real-switch browser tests');

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

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sipcall-fs-'));
    const backendPort = await freePort();
    backend = new Backend({
      port: backendPort,
      env: {
        FREESWITCH_NODES: `esl://:${ESL_PASSWORD}@127.0.0.1:8021`,
        SWITCH_HTTP_PASSWORD,
        SIP_DOMAIN: '127.0.0.1',
        SIP_WSS_URL: 'ws://127.0.0.1:5066',
        SIPCALL_BOOTSTRAP_ADMIN_EMAIL: ANN.email,
        SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: ANN.password,
        SIPCALL_BOOTSTRAP_ADMIN_NAME: ANN.name,
        DEFAULT_COUNTRY: 'DE',
      },
    });
    const folders = ['log', 'db', 'run', 'certs', 'cache', 'storage', 'spool'].map((f) => path.join(dir, f));
    folders.forEach((f) => mkdirSync(f));
    const [log, db, run, certs, cache, storage, spool] = folders as [string, string, string, string, string, string, string];
    freeswitch = new Proc(
      'freeswitch',
      spawn(binary!, ['-nonat', '-nf', '-conf', path.join(root, 'freeswitch'), '-log', log, '-db', db, '-run', run, '-certs', certs, '-cache', cache, '-storage', storage], {
        env: {
          PATH: process.env['PATH'] ?? '',
          SIPCALL_ESL_PASSWORD: ESL_PASSWORD,
          SIPCALL_SWITCH_HTTP_PASSWORD: SWITCH_HTTP_PASSWORD,
          SIPCALL_BACKEND_URL: `http://127.0.0.1:${backendPort}`,
          SIPCALL_CDR_SPOOL: spool,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    // The backend is ready once its event-socket link to the switch is.
    await backend.start();
    annToken = (await backend.api<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password })).accessToken;
    const me = await backend.api<{ user: { id: string } }>('GET', '/api/auth/me', annToken);
    await backend.api('PATCH', `/api/users/${me.user.id}`, annToken, { extension: '1001' });
    await backend.api('POST', '/api/users', annToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: '1002' });
    browser = await launchChromium();
    ann = await (await browser.newContext()).newPage();
    bob = await (await browser.newContext()).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await freeswitch?.stop();
    await backend?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers both pages to the switch with their session SIP accounts', async () => {
    await signIn(ann, backend.url, ANN.email, ANN.password);
    await signIn(bob, backend.url, BOB.email, BOB.password);
    await expect.poll(() => ann.getByTestId('phone-status').textContent(), { timeout: 20_000 }).toContain('Phone ready');
    await expect.poll(() => bob.getByTestId('phone-status').textContent(), { timeout: 20_000 }).toContain('Phone ready');
  });

  it('calls an extension through the dialplan: ringing, answer, audio both ways, hold and resume, hang-up', async () => {
    await ann.getByLabel('Number to call').fill('1002');
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain('Extension 1002');
    await ann.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => state(bob), { timeout: 15_000 }).toContain('Incoming call');
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => state(ann), { timeout: 15_000 }).toContain('Connected');
    await expect.poll(() => packets(ann), { timeout: 15_000 }).toBeGreaterThan(20);
    await expect.poll(() => packets(bob), { timeout: 15_000 }).toBeGreaterThan(20);
    await shoot(ann, '20-freeswitch-call');
    await ann.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => state(ann), { timeout: 10_000 }).toContain('On hold');
    await ann.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => state(ann), { timeout: 10_000 }).toContain('Connected');
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => state(bob), { timeout: 10_000 }).toContain('Call ended');
    await ann.getByRole('button', { name: 'Close' }).click();
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
      .poll(async () => (await backend.api<{ items: Array<{ reason: string | null }> }>('GET', '/api/history?limit=50', annToken)).items.map((r) => r.reason), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['extension', 'user_cps']));
  });
});

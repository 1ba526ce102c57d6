// The Nextcloud app's phone through a real FreeSWITCH, when one is configured
// (SIPCALL_TEST_FREESWITCH names its binary, as for freeswitch.e2e.ts): the
// phone in a Nextcloud page's header, signed in by the app, registers to the
// switch and calls a phone number through the trunk to a carrier that takes
// G.711 only (SIPp): connected, audio both ways, the trunk leg in PCMU.
// Without the variable this file is skipped and says so; it needs SIPp and php.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageIn, shoot } from './support/browser.js';
import { Carrier, sippMissing } from './support/carrier.js';
import { hostMissing, miniPhone, reserveHost, startNextcloudHost, type NextcloudHost } from './support/nextcloud-host.js';
import { Backend, freePort, type Proc } from './support/stack.js';
import { startFreeSwitch, switchBackendEnv, switchModulesMissing } from './support/switch.js';

const binary = process.env['SIPCALL_TEST_FREESWITCH'];
if (!binary) console.warn('nextcloud-app-freeswitch.e2e: skipped: set SIPCALL_TEST_FREESWITCH to a FreeSWITCH 1.10 binary to run the Nextcloud phone through a real switch');
const unusable = binary ? (switchModulesMissing(binary) ?? sippMissing() ?? hostMissing()) : null;
if (unusable) throw new Error(`nextcloud-app-freeswitch.e2e: ${unusable}`);

/** Where freeswitch/ points its trunk gateway by default (SIPCALL_TRUNK_PROXY). */
const CARRIER_PORT = 5090;
const ESL_PASSWORD = 'esl-password-for-e2e-42';
const SWITCH_HTTP_PASSWORD = 'switch-http-password-for-e2e';
const SECRET = 'nextcloud-app-shared-secret-for-e2e-0123456789';
const NORA = { uid: 'nora', name: 'Nora Nextcloud', email: 'nora@example.test', groups: ['staff'] };

describe.skipIf(!binary)('the Nextcloud app’s phone through a real FreeSWITCH', () => {
  let dir: string;
  let freeswitch: Proc;
  let backend: Backend;
  let host: NextcloudHost;
  let carrier: Carrier | null = null;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let nora: Page;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sipcall-fs-nc-'));
    const reserved = await reserveHost();
    const backendPort = await freePort();
    const backendUrl = `http://127.0.0.1:${backendPort}`;
    backend = new Backend({
      port: backendPort,
      env: {
        ...switchBackendEnv(ESL_PASSWORD, SWITCH_HTTP_PASSWORD),
        SIPCALL_BOOTSTRAP_ADMIN_EMAIL: 'ann@example.test',
        SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: 'ann-password-12345',
        SIPCALL_BOOTSTRAP_ADMIN_NAME: 'Ann',
        DEFAULT_COUNTRY: 'DE',
        NEXTCLOUD_URL: reserved.url,
        NEXTCLOUD_APP_SECRET: SECRET,
        PUBLIC_URL: backendUrl,
      },
    });
    freeswitch = startFreeSwitch({ binary: binary!, dir, backendUrl, eslPassword: ESL_PASSWORD, switchHttpPassword: SWITCH_HTTP_PASSWORD, console: true });
    // The backend is ready once its event-socket link to the switch is.
    await backend.start();
    host = await startNextcloudHost({ port: reserved.port, sipcallUrl: backendUrl, secret: SECRET, users: { [NORA.uid]: { name: NORA.name, email: NORA.email, groups: NORA.groups } }, allowedGroups: [] });
    carrier = new Carrier(CARRIER_PORT, 'g711');
    await carrier.start();
    browser = await launchChromium();
    nora = await pageIn(browser, contexts, { viewport: { width: 1280, height: 860 } });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await carrier?.dispose();
    await host?.stop();
    await freeswitch?.stop();
    await backend?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers to the switch and calls a G.711-only carrier through the trunk: connected, audio both ways, PCMU on the trunk', async () => {
    const phone = miniPhone(nora);
    await nora.goto(`${host.url}/login?user=${NORA.uid}`);
    await expect.poll(() => phone.registration(), { timeout: 30_000 }).toBe('registered');
    await phone.dial('030 1234567');
    await expect.poll(() => phone.callState(), { timeout: 30_000 }).toBe('connected');
    // The page hears the carrier's echo of its own audio: opus → PCMU at the switch, the carrier, PCMU → opus.
    await expect.poll(() => phone.packetsReceived(), { timeout: 30_000 }).toBeGreaterThan(50);
    const [leg] = carrier!.received();
    expect(leg!.packets).toBeGreaterThan(50);
    expect([...leg!.payloadTypes]).toEqual([0]);
    await shoot(nora, '65-nextcloud-freeswitch-g711');
    await phone.hangUp();
    await expect.poll(() => phone.callState()).toBe('ended');
  });
});

// SIPCall's Nextcloud app in a browser, from its release archive: a host page
// that gives the app's script what Nextcloud gives it (support/nextcloud-host.php,
// each part naming the Nextcloud file it stands for) with the app's own PHP
// answering its routes under `php -S`. The phone in the header exchanges the
// app's assertion at SIPCall, registers through Kamailio and calls another
// browser (SIPCall's web app), which rings and answers; Nextcloud's status
// says "In a call" and returns afterwards; a second tab waits and takes the
// phone over; Talk's participant search offers the call for "+49 30 1234567"
// and not for "Alice", and its message menu calls the number in a message; a
// call missed while no Nextcloud tab held the phone leaves "Missed call from …"
// in Nextcloud's notifications, and one that rang in a tab leaves none.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { postCdr } from './support/cdrs.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { launchChromium, pageIn, shoot, signIn } from './support/browser.js';
import { hostMissing, reserveHost, startNextcloudHost, type NextcloudHost } from './support/nextcloud-host.js';
import { Backend, Kamailio, freePort, kamailioMissing, phoneEnv, unlessAvailable } from './support/stack.js';

const missing = unlessAvailable('nextcloud-app.e2e', kamailioMissing() ?? hostMissing());

const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann Admin' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob User', extension: '1002' };
const NORA = { uid: 'nora', name: 'Nora Nextcloud', email: 'nora@example.test', groups: ['staff'] };
/** A number written in Talk; Kamailio rings Bob's page for it. */
const TALK_NUMBER = '+49301234567';
const SECRET = 'nextcloud-app-shared-secret-for-e2e-0123456789';

let host: NextcloudHost;
let hostUrl: string;
let peer: FreeSwitchPeer;
let kamailio: Kamailio;
let backend: Backend;
let browser: Browser;
const contexts: BrowserContext[] = [];
let nora: Page;
let bob: Page;
let noraId = '';
let bobId = '';
const NORA_EXTENSION = '1003';

const hostState = () => host.state();
const statusLog = () => hostState().statusLog ?? [];
const registration = (page: Page) => page.locator('#sipcall-panel [data-sipcall-status]').getAttribute('data-registration');
const miniCall = (page: Page) => page.locator('[data-sipcall-call]');
const callState = (page: Page) => page.getByTestId('call-state');
const packetsReceived = async (page: Page) => Number(await page.getByTestId('call-panel').getAttribute('data-packets-received'));
const openPhone = async (page: Page) => {
  if (!(await page.locator('#sipcall-panel').isVisible())) await page.locator('#sipcall-mini-phone').getByRole('button', { name: /^Phone/ }).click();
};

describe.skipIf(missing !== null)('SIPCall’s Nextcloud app in the browser', () => {
  beforeAll(async () => {
    const reserved = await reserveHost();
    hostUrl = reserved.url;
    kamailio = new Kamailio(await freePort());
    peer = await FreeSwitchPeer.start();
    backend = new Backend({
      port: await freePort(),
      env: { ...phoneEnv({ switchUrl: peer.url, wssUrl: kamailio.wsUrl, admin: ANN }), DEFAULT_COUNTRY: 'DE', NEXTCLOUD_URL: hostUrl, NEXTCLOUD_APP_SECRET: SECRET },
    });
    backend.options.env['PUBLIC_URL'] = backend.url;
    await backend.start();
    const admin = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    const created = await backend.api<{ user: { id: string } }>('POST', '/api/users', admin.accessToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: BOB.extension });
    bobId = created.user.id;
    await kamailio.start({ [BOB.extension]: bobId, [TALK_NUMBER]: bobId });

    host = await startNextcloudHost({ port: reserved.port, sipcallUrl: backend.url, secret: SECRET, users: { [NORA.uid]: { name: NORA.name, email: NORA.email, groups: NORA.groups } }, allowedGroups: ['staff'] });

    browser = await launchChromium();
    nora = await pageIn(browser, contexts, { viewport: { width: 1280, height: 860 } });
    bob = await pageIn(browser, contexts, { viewport: { width: 1200, height: 800 } });
    await signIn(bob, backend.url, BOB.email, BOB.password);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await host?.stop();
    await backend?.dispose();
    await kamailio?.dispose();
    await peer?.stop();
  });

  it('puts the phone in the header: signed in to SIPCall with the app’s assertion, registered', async () => {
    await nora.goto(`${hostUrl}/login?user=${NORA.uid}`);
    await nora.waitForURL(`${hostUrl}/index.php/apps/files/`);
    await expect.poll(() => registration(nora)).toBe('registered');
    // One SIPCall user for Nora, made from what the assertion said.
    const admin = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    const users = await backend.api<{ items: { id: string; email: string; displayName: string }[] }>('GET', '/api/users', admin.accessToken);
    expect(users.items.find((u) => u.email === NORA.email)).toMatchObject({ displayName: NORA.name });
    noraId = users.items.find((u) => u.email === NORA.email)!.id;
    // The token route is Nextcloud's own CSRF-checked kind: without the page's request token, none.
    expect(await nora.evaluate(async () => (await fetch('/index.php/apps/sipcall/api/v1/token')).status)).toBe(412);
    await openPhone(nora);
    await shoot(nora, '60-nextcloud-mini-phone');
    const violations = await axeViolations(nora);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('calls another browser, which rings and answers; audio flows; Nextcloud says "In a call" and then what it said before', async () => {
    await openPhone(nora);
    // A number SIPCall will not call is refused before anything is dialled, with its reason.
    await nora.getByLabel('Number', { exact: true }).fill('0900 1234567');
    await nora.locator('#sipcall-panel').getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => nora.locator('#sipcall-panel').textContent()).toContain('Premium-rate and shared-cost numbers cannot be called');
    expect(await miniCall(nora).count()).toBe(0);
    await nora.getByLabel('Number', { exact: true }).fill(BOB.extension);
    await nora.locator('#sipcall-panel').getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    expect(await bob.locator('#call-party').textContent()).toBe(NORA.name);
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => miniCall(nora).getAttribute('data-state')).toBe('connected');
    await expect.poll(() => packetsReceived(bob)).toBeGreaterThan(20);
    expect(await nora.evaluate(() => document.querySelector<HTMLAudioElement>('#sipcall-panel audio')?.srcObject instanceof MediaStream)).toBe(true);
    await expect.poll(() => statusLog().at(-1)).toMatchObject({ user: NORA.uid, params: { inCall: true }, answer: 200, shown: { status: 'away', message: 'call' } });
    await shoot(nora, '61-nextcloud-mini-phone-in-call');
    // Moving to Talk during the call: Talk opens in a new tab, the call stays up in this one.
    const [talkTab] = await Promise.all([nora.context().waitForEvent('page'), nora.locator('#header').getByRole('link', { name: 'Talk' }).click()]);
    await talkTab.waitForURL(`${hostUrl}/index.php/apps/spreed/`);
    expect(nora.url()).toBe(`${hostUrl}/index.php/apps/files/`);
    expect(await miniCall(nora).getAttribute('data-state')).toBe('connected');
    await expect.poll(() => talkTab.locator('#sipcall-panel [data-sipcall-status]').textContent()).toBe('In use in another tab');
    await talkTab.close();
    const inCall = await axeViolations(nora);
    expect(inCall, describeViolations(inCall)).toEqual([]);
    await nora.locator('#sipcall-panel').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callState(bob).textContent()).toContain('Call ended');
    await expect.poll(() => statusLog().at(-1)).toMatchObject({ params: { inCall: false }, answer: 200, shown: { status: 'online', message: null } });
    expect(statusLog().filter((e) => e.params.inCall === true)).toHaveLength(1);
    await bob.getByRole('button', { name: 'Close', exact: true }).click().catch(() => undefined);
  });

  it('rings in the header for a call to Nora, who answers there', async () => {
    // Nora has an extension now; the registrar learns it (a restart: both phones register again by themselves).
    const admin = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    await backend.api('PATCH', `/api/users/${noraId}`, admin.accessToken, { extension: NORA_EXTENSION });
    await kamailio.stop();
    await kamailio.start({ [BOB.extension]: bobId, [TALK_NUMBER]: bobId, [NORA_EXTENSION]: noraId });
    await expect.poll(() => registration(nora), { timeout: 60_000 }).toBe('registered');
    await expect.poll(() => bob.getByTestId('phone-status').textContent(), { timeout: 60_000 }).toContain('Phone ready');
    await nora.locator('#sipcall-panel').getByRole('button', { name: 'Close' }).click();
    await bob.getByLabel('Number to call').fill(NORA_EXTENSION);
    await bob.getByRole('button', { name: 'Call', exact: true }).click();
    // The panel opens by itself, with the caller by name.
    await expect.poll(() => miniCall(nora).getAttribute('data-state')).toBe('incoming');
    expect(await nora.locator('#sipcall-panel').isVisible()).toBe(true);
    expect(await nora.locator('#sipcall-panel .sipcall-call__party').textContent()).toBe(BOB.name);
    // Never an internal id: Bob's SIP name is his user id, which is no number to show.
    expect(await nora.locator('#sipcall-panel [data-sipcall-call]').textContent()).not.toContain(bobId);
    await shoot(nora, '64-nextcloud-mini-phone-incoming');
    await nora.locator('#sipcall-panel').getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => miniCall(nora).getAttribute('data-state')).toBe('connected');
    await expect.poll(() => packetsReceived(bob)).toBeGreaterThan(20);
    await bob.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => miniCall(nora).getAttribute('data-state')).toBe('ended');
    await bob.getByRole('button', { name: 'Close', exact: true }).click().catch(() => undefined);
  });

  it('registers once per person: a second tab waits, and takes the phone over when asked', async () => {
    const second = await nora.context().newPage();
    await second.goto(`${hostUrl}/index.php/apps/mail/`);
    await expect.poll(() => second.locator('#sipcall-panel [data-sipcall-status]').textContent()).toBe('In use in another tab');
    expect(await registration(nora)).toBe('registered');
    await openPhone(second);
    await second.getByRole('button', { name: 'Use the phone in this tab' }).click();
    await expect.poll(() => registration(second)).toBe('registered');
    await expect.poll(() => registration(nora)).toBe('elsewhere');
    // The tab that holds it closes: the one waiting takes it by itself.
    await second.close();
    await expect.poll(() => registration(nora)).toBe('registered');
  });

  it('offers the call in Talk for a phone number typed into the participant search, not for a name, and calls the number in a message', async () => {
    await nora.goto(`${hostUrl}/index.php/apps/spreed/`);
    await expect.poll(() => registration(nora)).toBe('registered');
    const search = nora.locator('#talk-search');
    const offered = nora.locator('#talk-search-integrations button');
    await search.fill('+49 30 1234567');
    await expect.poll(() => offered.allTextContents()).toEqual(['Call this number by phone']);
    await search.fill('Alice');
    await expect.poll(() => offered.count()).toBe(0);
    await search.fill('+49 30 1234567');
    await shoot(nora, '62-nextcloud-talk-participant-search');
    await offered.click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    expect(await miniCall(nora).getAttribute('data-state')).toMatch(/calling|ringing|early/);
    await bob.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => miniCall(nora).getAttribute('data-state')).toBe('ended');
    // Talk adds nobody to the conversation for a phone call.
    expect(await nora.evaluate(() => (window as unknown as { __talkAdded: unknown[] }).__talkAdded.length)).toBe(0);

    await expect.poll(() => miniCall(nora).count()).toBe(0);
    await expect.poll(() => callState(bob).count()).toBe(0);
    await nora.locator('#talk-message-actions').getByRole('button', { name: 'Call this number' }).click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    await bob.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => miniCall(nora).getAttribute('data-state')).toBe('ended');
  });

  it('opens the Phone page from the contacts menu’s "Call with SIPCall" and calls the number it names', async () => {
    await nora.goto(`${hostUrl}/index.php/apps/sipcall/?dial=${encodeURIComponent(TALK_NUMBER)}`);
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    expect(await nora.locator('#sipcall-page-panel [data-sipcall-call]').getAttribute('data-state')).toMatch(/calling|ringing|early/);
    // The page holds the phone: the header's panel stays closed.
    expect(await nora.locator('#sipcall-panel').isVisible()).toBe(false);
    await shoot(nora, '63-nextcloud-phone-page');
    await bob.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => nora.locator('#sipcall-page-panel [data-sipcall-call]').getAttribute('data-state')).toBe('ended');
    await expect.poll(() => callState(bob).count()).toBe(0);
  });

  it('leaves "Missed call from …" in Nextcloud for a call missed while no tab held the phone, and nothing for one that rang in a tab', async () => {
    const missed = (caller: string) => postCdr(backend.url, 'switch-http-password-for-e2e', { userId: noraId, destination: '+493055500', startedAt: new Date(), billsec: null, caller, inbound: true });
    await expect.poll(() => registration(nora)).toBe('registered');
    await missed('+49301234568');
    await expect.poll(() => hostState().missedCallAnswers?.at(-1)).toMatchObject({ status: 200, data: { notified: false, why: 'tab_open' } });
    // Nora leaves Nextcloud: the tab lets the phone go as it closes.
    await nora.goto('about:blank');
    await expect.poll(() => hostState().userConfig?.[`${NORA.uid}.sipcall.phone_tab_until`]).toBe('0');
    await missed('+49301234569');
    await expect.poll(() => hostState().notifications ?? []).toEqual([
      { user: NORA.uid, object: expect.any(String) as string, subject: 'Missed call from +49301234569', link: `${hostUrl}/index.php/apps/sipcall/?dial=%2B49301234569` },
    ]);
  });
});

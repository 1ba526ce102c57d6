// Two browser pages, registered as two users over SIP on WebSocket (Kamailio),
// call each other: ringing, answer, audio both ways, hold, hang-up; the call
// screen at both sizes in both themes (axe-core finds nothing serious); talking
// to a third page first and returning to the caller; a refused
// number explains itself; letters become digits and the number is grouped; a
// history row calls back; signing out unregisters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { launchChromium, shoot, signIn, openPage, signOut, pageIn } from './support/browser.js';
import { shootCallView } from './support/call-view.js';
import { postCdr } from './support/cdrs.js';
import { Backend, Kamailio, freePort, kamailioMissing, unlessAvailable } from './support/stack.js';

const noKamailio = unlessAvailable('phone.e2e', kamailioMissing());

const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann Admin', extension: '1001' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob User', extension: '1002' };
const CARL = { email: 'carl@example.test', password: 'carl-password-12345', name: 'Carl Clerk', extension: '1003' };
const SWITCH_PASSWORD = 'switch-http-password-for-e2e';

interface User {
  id: string;
}

let peer: FreeSwitchPeer;
let kamailio: Kamailio;
let backend: Backend;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ann: Page;
let bob: Page;
let carl: Page;
let annId = '';

function newPage(): Promise<Page> {
  return pageIn(browser, contexts, { viewport: { width: 1200, height: 800 }, bypassCSP: true });
}

const callState = (page: Page) => page.getByTestId('call-state');
const packetsReceived = async (page: Page) => Number(await page.getByTestId('call-panel').getAttribute('data-packets-received'));

describe.skipIf(noKamailio !== null)('browser phone over SIP on WebSocket', () => {
  beforeAll(async () => {
    kamailio = new Kamailio(await freePort());
    peer = await FreeSwitchPeer.start();
    backend = new Backend({
      port: await freePort(),
      env: {
        FREESWITCH_NODES: peer.url,
        SIP_DOMAIN: '127.0.0.1',
        SIP_WSS_URL: kamailio.wsUrl,
        SIPCALL_BOOTSTRAP_ADMIN_EMAIL: ANN.email,
        SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: ANN.password,
        SIPCALL_BOOTSTRAP_ADMIN_NAME: ANN.name,
        DEFAULT_COUNTRY: 'DE',
        SWITCH_HTTP_PASSWORD: SWITCH_PASSWORD,
      },
    });
    await backend.start();
    const login = await backend.api<{ accessToken: string; user: User }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    annId = login.user.id;
    await backend.api('PATCH', `/api/users/${login.user.id}`, login.accessToken, { extension: ANN.extension });
    const created = await backend.api<{ user: User }>('POST', '/api/users', login.accessToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: BOB.extension });
    const third = await backend.api<{ user: User }>('POST', '/api/users', login.accessToken, { email: CARL.email, displayName: CARL.name, password: CARL.password, extension: CARL.extension });
    await kamailio.start({ [ANN.extension]: login.user.id, [BOB.extension]: created.user.id, [CARL.extension]: third.user.id });
    browser = await launchChromium();
    ann = await newPage();
    bob = await newPage();
    carl = await newPage();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await backend?.dispose();
    await kamailio?.dispose();
    await peer?.stop();
  });

  it('registers both pages after sign-in', async () => {
    await signIn(ann, backend.url, ANN.email, ANN.password);
    await signIn(bob, backend.url, BOB.email, BOB.password);
    await expect.poll(() => ann.getByTestId('phone-status').textContent()).toContain('Phone ready');
    await expect.poll(() => bob.getByTestId('phone-status').textContent()).toContain('Phone ready');
    await shoot(ann, '01-dialpad');
  });

  it('explains a refused number and keeps the call button disabled', async () => {
    await ann.getByLabel('Number to call').fill('0900 1234567');
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain('Premium-rate and shared-cost numbers cannot be called.');
    expect(await ann.getByRole('button', { name: 'Call', exact: true }).isDisabled()).toBe(true);
    await shoot(ann, '02-refused-number');
  });

  it('turns letters into keypad digits and shows the number grouped, with its flag and country', async () => {
    const field = ann.getByLabel('Number to call');
    await field.fill('');
    await field.pressSequentially('0800 FLOWERS');
    expect(await field.inputValue()).toBe('0800 3569377');
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain('🇩🇪 +49 800 3569377 · Germany');
    expect(await ann.getByRole('button', { name: 'Call', exact: true }).isEnabled()).toBe(true);
    await ann.setViewportSize({ width: 1440, height: 900 });
    await shoot(ann, '08-dialpad-1440x900');
    await ann.setViewportSize({ width: 390, height: 844 });
    await shoot(ann, '09-dialpad-390x844');
    await ann.setViewportSize({ width: 1200, height: 800 });
  });

  it('gives + when 0 is held, by pointer and by keyboard', async () => {
    const field = ann.getByLabel('Number to call');
    await field.fill('');
    const zero = ann.getByRole('button', { name: '0', exact: true });
    await zero.hover();
    await ann.mouse.down();
    await ann.waitForTimeout(700);
    await ann.mouse.up();
    expect(await field.inputValue()).toBe('+');
    await field.fill('');
    await zero.focus();
    await ann.keyboard.down('Enter');
    await ann.waitForTimeout(700);
    await ann.keyboard.up('Enter');
    await ann.keyboard.press('Enter');
    expect(await field.inputValue()).toBe('+0');
  });

  it('calls the other page, which rings, answers, and both hear each other', async () => {
    await ann.getByLabel('Number to call').fill(BOB.extension);
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain(`Extension ${BOB.extension}`);
    await ann.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    await expect.poll(() => callState(ann).textContent()).toMatch(/Ringing|Calling/);
    await shoot(bob, '03-incoming-call');
    // The caller by name (the From display name), never the SIP user id it calls from.
    expect(await bob.locator('#call-party').textContent()).toBe(ANN.name);
    expect(await bob.getByTestId('call-panel').textContent()).not.toContain(annId);
    // Focus is on Answer, so Enter answers.
    await expect.poll(() => bob.evaluate('document.activeElement?.textContent?.trim()')).toBe('Answer');
    expect(await shootCallView(bob, '51-call-incoming')).toBe('');
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Connected');
    await expect.poll(() => callState(bob).textContent()).toContain('Connected');
    // Media flows both ways: WebRTC counts audio packets received on each side.
    await expect.poll(() => packetsReceived(ann)).toBeGreaterThan(20);
    await expect.poll(() => packetsReceived(bob)).toBeGreaterThan(20);
    await shoot(ann, '04-in-call');
    expect(await shootCallView(ann, '50-call-view')).toBe('');
  });

  it('talks to a third page first, then returns to the caller, who was on hold meanwhile', async () => {
    await signIn(carl, backend.url, CARL.email, CARL.password);
    await expect.poll(() => carl.getByTestId('phone-status').textContent()).toContain('Phone ready');
    await ann.getByRole('button', { name: 'Transfer' }).click();
    await ann.getByLabel('Transfer to number').fill(CARL.extension);
    await ann.getByRole('button', { name: 'Talk first' }).click();
    await expect.poll(() => callState(bob).textContent()).toContain('On hold');
    await expect.poll(() => callState(carl).textContent()).toContain('Incoming call');
    await carl.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Connected');
    expect(await ann.getByTestId('call-held').textContent()).toContain(BOB.extension);
    await expect.poll(() => packetsReceived(carl)).toBeGreaterThan(20);
    expect(await shootCallView(ann, '52-attended-transfer-consulting')).toBe('');
    await ann.getByRole('button', { name: 'Return to caller' }).click();
    await expect.poll(() => callState(carl).textContent()).toContain('Call ended');
    await expect.poll(() => ann.getByTestId('call-transfer-note').textContent()).toBe(`You are back with ${BOB.extension}.`);
    await expect.poll(() => callState(ann).textContent()).toContain('Connected');
    await expect.poll(() => callState(bob).textContent()).toContain('Connected');
    await carl.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('puts the other side on hold and back', async () => {
    await ann.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('On hold');
    await expect.poll(() => callState(bob).textContent()).toContain('On hold');
    expect(await bob.getByText('They put you on hold.').isVisible()).toBe(true);
    await shoot(bob, '05-held-by-other');
    await ann.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Connected');
    await expect.poll(() => callState(bob).textContent()).toContain('Connected');
  });

  it('hangs up: both sides show the call ended', async () => {
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Call ended');
    await expect.poll(() => callState(bob).textContent()).toContain('Call ended');
    await shoot(bob, '06-call-ended');
  });

  it('shows reconnecting when the SIP server goes away, and registers again when it is back', async () => {
    await kamailio.stop();
    await expect.poll(() => ann.getByTestId('phone-status').textContent()).toContain('Phone reconnecting');
    // The header names the server it cannot reach, why, and by when it tries again.
    await expect.poll(() => ann.getByTestId('phone-status').getAttribute('title')).toMatch(/^Cannot reach the phone server at 127\.0\.0\.1:\d+ \(connection closed with code \d+\)\. Next try by .+\.$/);
    await shoot(ann, '07-reconnecting');
    await kamailio.start();
    await expect.poll(() => ann.getByTestId('phone-status').textContent(), { timeout: 40_000 }).toContain('Phone ready');
    await expect.poll(() => bob.getByTestId('phone-status').textContent(), { timeout: 40_000 }).toContain('Phone ready');
  });

  it('calls back from a history row with one click, and lists the number among the recent ones', async () => {
    await postCdr(backend.url, SWITCH_PASSWORD, { userId: annId, caller: ANN.extension, destination: BOB.extension, startedAt: new Date(Date.now() - 60_000), billsec: 30 });
    await openPage(ann, 'History');
    const callBack = ann.getByRole('button', { name: `Call ${BOB.extension} back` });
    await expect.poll(() => callBack.count()).toBeGreaterThan(0);
    await expect.poll(() => callBack.first().isEnabled()).toBe(true);
    await callBack.first().click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    await expect.poll(() => callState(ann).textContent()).toMatch(/Ringing|Calling/);
    // in a call, every row says why it cannot call now
    await expect.poll(() => callBack.first().isDisabled()).toBe(true);
    expect(await ann.getByTestId('history-call-why').textContent()).toContain('You are in a call.');
    await shoot(ann, '18-history-call-back');
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Call ended');
    await expect.poll(() => callState(bob).textContent()).toContain('Call ended');
    await ann.getByRole('button', { name: 'Close', exact: true }).click();
    await openPage(ann, 'Phone');
    expect(await ann.getByLabel('Number to call').inputValue()).toBe(BOB.extension);
    await expect.poll(() => ann.getByTestId('dialpad-recent').textContent()).toContain(BOB.extension);
  });

  it('unregisters on sign-out: the other page then cannot reach it', async () => {
    await signOut(bob);
    await bob.getByLabel('Email').waitFor();
    const close = ann.getByRole('button', { name: 'Close', exact: true });
    if (await close.isVisible()) await close.click();
    await ann.getByLabel('Number to call').fill(BOB.extension);
    await expect.poll(() => ann.locator('.dialpad__preview').textContent()).toContain(`Extension ${BOB.extension}`);
    await ann.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Call ended');
    expect(await ann.getByTestId('call-outcome').textContent()).toContain('This number does not exist.');
  });
});

// The address book in the browser: a user adds a contact, finds it by
// searching, and calls it with one click; the other end (a second page the
// number rings through Kamailio) answers. Axe finds nothing serious at either size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { launchChromium, openPage, shoot, signIn, pageIn } from './support/browser.js';
import { Backend, Kamailio, freePort, kamailioMissing, phoneEnv, unlessAvailable } from './support/stack.js';

const noKamailio = unlessAvailable('contacts.e2e', kamailioMissing());

const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann Admin', extension: '1001' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob User', extension: '1002' };
/** The contact's number; Kamailio rings Bob's page for it. */
const DORA_NUMBER = '+49301234567';

let peer: FreeSwitchPeer;
let kamailio: Kamailio;
let backend: Backend;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ann: Page;
let bob: Page;

function newPage(): Promise<Page> {
  return pageIn(browser, contexts, { viewport: { width: 1440, height: 900 }, bypassCSP: true });
}
const callState = (page: Page) => page.getByTestId('call-state');

describe.skipIf(noKamailio !== null)('contacts in the browser', () => {
  beforeAll(async () => {
    kamailio = new Kamailio(await freePort());
    peer = await FreeSwitchPeer.start();
    backend = new Backend({
      port: await freePort(),
      env: {
        ...phoneEnv({ switchUrl: peer.url, wssUrl: kamailio.wsUrl, admin: ANN }),
        DEFAULT_COUNTRY: 'DE',
      },
    });
    await backend.start();
    const login = await backend.api<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    await backend.api('PATCH', `/api/users/${login.user.id}`, login.accessToken, { extension: ANN.extension });
    const created = await backend.api<{ user: { id: string } }>('POST', '/api/users', login.accessToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: BOB.extension });
    await kamailio.start({ [ANN.extension]: login.user.id, [BOB.extension]: created.user.id, [DORA_NUMBER]: created.user.id });
    browser = await launchChromium();
    ann = await newPage();
    bob = await newPage();
    await signIn(ann, backend.url, ANN.email, ANN.password);
    await signIn(bob, backend.url, BOB.email, BOB.password);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await backend?.dispose();
    await kamailio?.dispose();
    await peer?.stop();
  });

  it('adds a contact, finds it, and calls it with one click; the other end answers', async () => {
    await openPage(ann, 'Contacts');
    await ann.getByTestId('contacts-empty').waitFor();
    await ann.getByTestId('contacts-add').click();
    const dialog = ann.getByTestId('contact-dialog');
    await dialog.getByLabel('Name').fill('Dora Diaz');
    await dialog.getByLabel('Organisation').fill('Acme GmbH');
    await dialog.getByLabel('Number 1').fill('030 1234567');
    await ann.getByTestId('contact-save').click();
    await expect.poll(() => ann.getByTestId('contact').count()).toBe(1);
    expect(await ann.getByTestId('contact').textContent()).toContain('+49 30 1234567');

    await ann.getByLabel('Search contacts').fill('dora');
    await expect.poll(() => ann.getByTestId('contact').count()).toBe(1);
    await ann.getByLabel('Search contacts').fill('nobody');
    await expect.poll(() => ann.getByTestId('contact').count()).toBe(0);
    await ann.getByLabel('Search contacts').fill('1234567');
    await expect.poll(() => ann.getByTestId('contact').count()).toBe(1);

    await expect.poll(() => ann.getByTestId('phone-status').textContent()).toContain('Phone ready');
    await expect.poll(() => bob.getByTestId('phone-status').textContent()).toContain('Phone ready');
    const call = ann.getByRole('button', { name: 'Call Dora Diaz, Work: +49 30 1234567' }).or(ann.getByTestId('contact-call').first());
    await expect.poll(() => call.first().isEnabled()).toBe(true);
    await shoot(ann, '60-contacts-1440x900');
    await call.first().click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Connected');
    // The call view names the other end as the address book does.
    expect(await ann.getByTestId('call-panel').textContent()).toContain('Dora Diaz');
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callState(ann).textContent()).toContain('Call ended');
  });

  it('stacks the contacts as cards on a phone, nothing scrolls sideways, and axe finds nothing serious at either size', async () => {
    const found: string[] = [];
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await ann.setViewportSize({ width, height });
      await ann.waitForTimeout(200);
      const violations = await axeViolations(ann);
      if (violations.length) found.push(`${width}x${height}:\n${describeViolations(violations)}`);
    }
    const fits = await ann.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth <= g.innerWidth;
    });
    expect(fits).toBe(true);
    await shoot(ann, '61-contacts-390x844');
    expect(found, found.join('\n\n')).toEqual([]);
  });
});

// SIPCall as a Nextcloud user meets it: "Sign in with Nextcloud" at a real
// OpenID Connect provider (standing in for Nextcloud's OpenID Connect
// provider app), the account made on the way; the Nextcloud address book
// (a real CardDAV server, Radicale) connected in Settings with an app
// password; the contact found from the dialpad's search and called with one
// click; the other end (a second page, through Kamailio) rings and answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { CLIENT_ID, CLIENT_SECRET, startOidcPeer, type OidcPeer } from '../../backend/test/support/nextcloud-oidc.js';
import { radicaleBinary, startRadicale, type Radicale } from '../../backend/test/support/radicale.js';
import { launchChromium, shoot, signIn, pageIn } from './support/browser.js';
import { Backend, Kamailio, freePort, kamailioMissing, phoneEnv, unlessAvailable } from './support/stack.js';

const missing = unlessAvailable('nextcloud.e2e', kamailioMissing() ?? (radicaleBinary === null ? 'Radicale is not installed (apt-get install radicale)' : null));

const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann Admin' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob User', extension: '1002' };
/** Dora's number in Alice's Nextcloud address book; Kamailio rings Bob's page for it. */
const DORA_NUMBER = '+49301234567';
const APP_PASSWORD = 'Kq7Rt-Wm2Xz-Pb9Lc-Hn4Vd-Js6Fg';

let oidc: OidcPeer;
let radicale: Radicale;
let peer: FreeSwitchPeer;
let kamailio: Kamailio;
let backend: Backend;
let browser: Browser;
const contexts: BrowserContext[] = [];
let alice: Page;
let bob: Page;

function newPage(): Promise<Page> {
  return pageIn(browser, contexts, { viewport: { width: 1280, height: 900 } });
}
const callState = (page: Page) => page.getByTestId('call-state');

describe.skipIf(missing !== null)('Nextcloud in the browser', () => {
  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    oidc = await startOidcPeer(`${publicUrl}/api/auth/nextcloud/callback`);
    oidc.users.set('alice', { name: 'Alice Liddell', email: 'alice@example.test', groups: ['staff'] });
    oidc.signInAs('alice');
    radicale = await startRadicale({ alice: APP_PASSWORD });
    await radicale.makeAddressBook('alice', 'contacts');
    await radicale.putCard('alice', 'contacts', 'dora.vcf', ['BEGIN:VCARD', 'VERSION:3.0', 'UID:dora', 'FN:Dora Diaz', 'N:Diaz;Dora;;;', 'ORG:Acme GmbH', `TEL;TYPE=WORK:${DORA_NUMBER}`, 'END:VCARD', ''].join('\r\n'));

    kamailio = new Kamailio(await freePort());
    peer = await FreeSwitchPeer.start();
    backend = new Backend({
      port,
      env: {
        ...phoneEnv({ switchUrl: peer.url, wssUrl: kamailio.wsUrl, admin: ANN }),
        DEFAULT_COUNTRY: 'DE',
        PUBLIC_URL: publicUrl,
        NEXTCLOUD_URL: oidc.url,
        NEXTCLOUD_AUTH: 'oidc',
        NEXTCLOUD_CLIENT_ID: CLIENT_ID,
        NEXTCLOUD_CLIENT_SECRET: CLIENT_SECRET,
        CARDDAV_URL: radicale.url,
      },
    });
    await backend.start();
    const admin = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    const created = await backend.api<{ user: { id: string } }>('POST', '/api/users', admin.accessToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: BOB.extension });
    await kamailio.start({ [BOB.extension]: created.user.id, [DORA_NUMBER]: created.user.id });
    browser = await launchChromium();
    alice = await newPage();
    bob = await newPage();
    await signIn(bob, backend.url, BOB.email, BOB.password);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await backend?.dispose();
    await kamailio?.dispose();
    await peer?.stop();
    await radicale?.stop();
    await oidc?.close();
  });

  it('signs in with Nextcloud, connects the Nextcloud address book, finds a contact from the dialpad and calls it; the other end answers', async () => {
    await alice.goto(`${backend.url}/login`);
    await alice.getByTestId('nextcloud-signin').click();
    // Nextcloud's pages answer themselves (the provider's login and consent), then SIPCall's callback signs Alice in.
    await alice.getByTestId('phone-status').waitFor();
    await expect.poll(() => alice.getByTestId('phone-status').textContent()).toContain('Phone ready');
    expect(await alice.locator('body').textContent()).not.toContain('signin_error');

    await alice.goto(`${backend.url}/settings`);
    await alice.getByLabel('Nextcloud user name').fill('alice');
    await alice.getByLabel('App password').fill(APP_PASSWORD);
    await alice.getByTestId('nextcloud-submit').click();
    await expect.poll(() => alice.getByTestId('nextcloud-status').textContent()).toContain('1 contact from 1 address book.');
    await shoot(alice, '70-nextcloud-settings');

    await alice.goto(`${backend.url}/`);
    await expect.poll(() => alice.getByTestId('phone-status').textContent()).toContain('Phone ready');
    await expect.poll(() => bob.getByTestId('phone-status').textContent()).toContain('Phone ready');
    await alice.getByTestId('contact-search').fill('dora');
    const match = alice.getByTestId('contact-match').first();
    await expect.poll(() => match.textContent()).toContain('Dora Diaz');
    expect(await match.textContent()).toContain('Nextcloud');
    await shoot(alice, '71-nextcloud-dialpad-search');
    await match.click();
    await expect.poll(() => callState(bob).textContent()).toContain('Incoming call');
    await bob.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callState(alice).textContent()).toContain('Connected');
    expect(await alice.getByTestId('call-panel').textContent()).toContain('Dora Diaz');
    await alice.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callState(alice).textContent()).toContain('Call ended');
  });

  it('a person who says no at Nextcloud is back on the login page, told why', async () => {
    const page = await newPage();
    oidc.signInAs(null);
    try {
      await page.goto(`${backend.url}/login`);
      await page.getByTestId('nextcloud-signin').click();
      await expect.poll(() => page.getByTestId('signin-error').textContent()).toContain('did not allow');
      // The reason is said once: the address no longer carries it.
      expect(page.url()).not.toContain('signin_error');
    } finally {
      oidc.signInAs('alice');
    }
  });
});

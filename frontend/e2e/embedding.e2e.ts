// SIPCall inside another site's page, as Nextcloud and Talk show it: a host
// page on another local origin (localhost, while SIPCall is 127.0.0.1: another
// site, so the session cookie is SameSite=None; Secure; Partitioned) frames the
// app. Configured, the frame shows the embedded phone, signs in and
// registers; Talk's External Call Service frame dials its conversation's
// number and tells the host page when the call is joined and left, with the
// postMessage events Talk documents. A host page on an origin that is not
// configured gets no frame at all.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { launchChromium, newContext, shoot, signIn, pageIn } from './support/browser.js';
import { Backend, Kamailio, freePort, kamailioMissing, phoneEnv, unlessAvailable } from './support/stack.js';

const noKamailio = unlessAvailable('embedding.e2e', kamailioMissing());

const ANN = { email: 'ann@example.test', password: 'ann-password-12345', name: 'Ann Admin', extension: '1001' };
const BOB = { email: 'bob@example.test', password: 'bob-password-12345', name: 'Bob User', extension: '1002' };

let peer: FreeSwitchPeer;
let kamailio: Kamailio;
let backend: Backend;
let browser: Browser;
let host: { server: Server; port: number };
const contexts: BrowserContext[] = [];

/** A page of another site with SIPCall in a frame, recording what the frame tells it. */
function hostPage(frameUrl: string): string {
  return `<!doctype html><html><head><title>Host</title></head><body>
<h1>Host page</h1>
<ol id="told"></ol>
<iframe id="phone" src="${frameUrl}" allow="microphone; camera; autoplay" style="width:360px;height:640px;border:1px solid"></iframe>
<script>
window.told = [];
window.addEventListener('message', (e) => {
  window.told.push({ origin: e.origin, data: e.data });
  const li = document.createElement('li'); li.textContent = JSON.stringify(e.data); document.getElementById('told').append(li);
});
</script></body></html>`;
}

async function startHost(): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const frame = new URL(req.url ?? '/', 'http://localhost').searchParams.get('frame') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(hostPage(frame.replace(/"/g, '')));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port };
}

function newPage(): Promise<Page> {
  // No bypassCSP: the frame-ancestors policy is what is under test.
  return pageIn(browser, contexts, { viewport: { width: 1000, height: 800 } });
}

async function framedPhone(page: Page, origin: string, query: string): Promise<Frame> {
  await page.goto(`${origin}/?frame=${encodeURIComponent(`${backend.url}/${query}`)}`);
  const handle = await page.locator('#phone').elementHandle();
  const frame = await handle.contentFrame();
  return frame!;
}

describe.skipIf(noKamailio !== null)('the app inside another site’s page', () => {
  beforeAll(async () => {
    kamailio = new Kamailio(await freePort());
    peer = await FreeSwitchPeer.start();
    host = await startHost();
    const port = await freePort();
    backend = new Backend({
      port,
      env: {
        ...phoneEnv({ switchUrl: peer.url, wssUrl: kamailio.wsUrl, admin: ANN }),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        // The Nextcloud page: localhost is another site than 127.0.0.1.
        NEXTCLOUD_URL: `http://localhost:${host.port}`,
      },
    });
    await backend.start();
    const login = await backend.api<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', null, { email: ANN.email, password: ANN.password });
    await backend.api('PATCH', `/api/users/${login.user.id}`, login.accessToken, { extension: ANN.extension });
    const bob = await backend.api<{ user: { id: string } }>('POST', '/api/users', login.accessToken, { email: BOB.email, displayName: BOB.name, password: BOB.password, extension: BOB.extension });
    await kamailio.start({ [ANN.extension]: login.user.id, [BOB.extension]: bob.user.id });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await new Promise((r) => host?.server.close(r));
    await backend?.dispose();
    await kamailio?.dispose();
    await peer?.stop();
  });

  it('is framed by the configured origin: signs in inside the frame, registers, and shows no admin pages', async () => {
    const page = await newPage();
    const frame = await framedPhone(page, `http://localhost:${host.port}`, '');
    await frame.getByRole('heading', { name: 'Sign in to SIPCall' }).waitFor();
    await frame.getByLabel('Email').fill(ANN.email);
    await frame.getByLabel('Password').fill(ANN.password);
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => frame.getByTestId('phone-status').textContent(), { timeout: 20_000 }).toContain('Phone ready');
    // The embedded layout: the user's own pages as tabs, nothing of the admin's (Ann is one).
    const tabs = await frame.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();
    expect(tabs.map((s) => s.trim())).toEqual(['Phone', 'Contacts', 'History']);
    expect(await frame.getByText('Live calls').count()).toBe(0);
    // Nothing scrolls sideways in Talk's sidebar width.
    expect(await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await shoot(page, '70-embedded-360');
    // The session survives a reload of the host page: its cookie lives in the host site's partition.
    await page.reload();
    const again = (await (await page.locator('#phone').elementHandle()).contentFrame())!;
    await expect.poll(() => again.getByTestId('phone-status').textContent(), { timeout: 20_000 }).toContain('Phone ready');
  });

  it('as Talk’s External Call Service frame: dials the conversation’s number and tells Talk when the call is joined and left', async () => {
    const bob = await newPage();
    await signIn(bob, backend.url, BOB.email, BOB.password);
    await expect.poll(() => bob.getByTestId('phone-status').textContent()).toContain('Phone ready');

    const page = await newPage();
    const frame = await framedPhone(page, `http://localhost:${host.port}`, `?embed=talk&dial=${BOB.extension}`);
    await frame.getByLabel('Email').fill(ANN.email);
    await frame.getByLabel('Password').fill(ANN.password);
    await frame.getByRole('button', { name: 'Sign in' }).click();
    // Dialled by itself once registered: Bob's phone rings.
    await bob.getByRole('button', { name: 'Answer' }).click({ timeout: 30_000 });
    await expect.poll(() => frame.getByTestId('call-state').textContent()).toContain('Connected');
    const told = () => page.evaluate(() => (window as unknown as { told: Array<{ origin: string; data: { type: string } }> }).told);
    await expect.poll(async () => (await told()).map((m) => m.data.type)).toEqual(['externalCallJoined']);
    expect((await told())[0]!.origin).toBe(backend.url);
    await shoot(page, '71-talk-frame-in-call');
    await bob.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(async () => (await told()).map((m) => m.data.type)).toEqual(['externalCallJoined', 'externalCallLeft']);
  });

  it('lays out for Talk’s sidebar and a full call view, in light and dark, with nothing axe finds serious', async () => {
    // Opened with ?embed=1 at the frame's sizes; CSP bypassed only here, so axe can run in the page.
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await newContext(browser, { viewport: { width: 360, height: 640 }, colorScheme, bypassCSP: true });
      contexts.push(context);
      const page = await context.newPage();
      await signIn(page, backend.url, BOB.email, BOB.password);
      await page.goto(`${backend.url}/?embed=1`);
      await expect.poll(() => page.getByTestId('phone-status').textContent()).toContain('Phone ready');
      for (const width of [360, 1024]) {
        await page.setViewportSize({ width, height: 640 });
        await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
        expect(describeViolations(await axeViolations(page))).toBe('');
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
        await shoot(page, `72-embedded-${width}-${colorScheme}`);
      }
    }
  });

  it('is refused by a page on an origin that is not configured', async () => {
    const page = await newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) refused.push(m.text());
    });
    // Same host page, reached as 127.0.0.1: another origin than the configured localhost one.
    await page.goto(`http://127.0.0.1:${host.port}/?frame=${encodeURIComponent(`${backend.url}/`)}`);
    await expect.poll(() => refused.length).toBeGreaterThan(0);
    const frame = (await (await page.locator('#phone').elementHandle()).contentFrame())!;
    expect(await frame.getByRole('heading', { name: 'Sign in to SIPCall' }).count()).toBe(0);
  });
});

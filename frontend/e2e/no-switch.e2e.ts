// A fresh SIPCall with no switch configured (FREESWITCH_NODES unset): the app
// says so plainly, tells the admin what to set, and the browser never opens a
// SIP WebSocket. And a session that ends under the user lands on the sign-in
// page, which says so and goes back to where the user was.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, shoot, signIn, openPage } from './support/browser.js';
import { Backend, freePort } from './support/stack.js';

const ADMIN = { email: 'ada@example.test', password: 'ada-password-12345', name: 'Ada Admin' };
const USER = { email: 'una@example.test', password: 'una-password-12345', name: 'Una User' };

let backend: Backend;
let browser: Browser;
/** Stands where SIP_WSS_URL points, counting every connection anyone makes to it. */
let sipServer: Server;
let sipConnections = 0;
let sipPort = 0;

/** A page that counts the WebSockets it opens, by URL. */
async function pageCountingSockets(viewport: { width: number; height: number }): Promise<{ page: Page; sockets: string[] }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  return { page, sockets };
}

describe('no switch configured', () => {
  beforeAll(async () => {
    sipPort = await freePort();
    sipServer = createServer((socket) => {
      sipConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => sipServer.listen(sipPort, '127.0.0.1', resolve));
    backend = new Backend({
      port: await freePort(),
      env: {
        SIP_WSS_URL: `ws://127.0.0.1:${sipPort}`,
        SIPCALL_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        SIPCALL_BOOTSTRAP_ADMIN_NAME: ADMIN.name,
      },
    });
    await backend.start();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.dispose();
    await new Promise((resolve) => sipServer?.close(resolve));
  });

  it('says no phone system is connected, tells the admin what to configure, and never opens a SIP WebSocket', async () => {
    const { page, sockets } = await pageCountingSockets({ width: 1440, height: 900 });
    await signIn(page, backend.url, ADMIN.email, ADMIN.password);
    await expect.poll(() => page.getByTestId('phone-status').textContent()).toContain('No phone system');
    const notice = page.getByTestId('phone-system-notice');
    await expect.poll(() => notice.textContent()).toContain('No phone system is connected to SIPCall yet');
    expect(await notice.textContent()).toContain('FREESWITCH_NODES');
    expect(await notice.textContent()).toContain('SIP_WSS_URL');
    expect(await notice.getByRole('link').getAttribute('href')).toBe('docs/configuration.md');
    await shoot(page, '30-no-switch-admin');
    // Long enough for a registration attempt and a JsSIP retry, had there been one.
    await page.waitForTimeout(5_000);
    expect(sockets).toEqual([]);
    expect(sipConnections).toBe(0);

    await openPage(page, 'Live calls');
    await expect.poll(() => page.getByTestId('live-connection').textContent()).toBe('No switch connected');
    // The live view's own socket is SIPCall's, not SIP.
    expect(sockets.every((url) => url.endsWith('/api/live'))).toBe(true);
    expect(sipConnections).toBe(0);
    await page.context().close();
  });

  it('says it on a phone too, without settings for a user to make', async () => {
    const admin = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ADMIN.email, password: ADMIN.password });
    await backend.api('POST', '/api/users', admin.accessToken, { email: USER.email, displayName: USER.name, password: USER.password });
    const { page, sockets } = await pageCountingSockets({ width: 390, height: 844 });
    await signIn(page, backend.url, USER.email, USER.password);
    const notice = page.getByTestId('phone-system-notice');
    await expect.poll(() => notice.textContent()).toContain('No phone system is connected to SIPCall yet');
    expect(await notice.textContent()).not.toContain('FREESWITCH_NODES');
    expect(await page.getByTestId('phone-status').getAttribute('title')).toBe('No phone system is connected to SIPCall yet');
    await shoot(page, '31-no-switch-phone');
    await page.waitForTimeout(3_000);
    expect(sockets).toEqual([]);
    expect(sipConnections).toBe(0);
    await page.context().close();
  });

  it('an ended session lands on the sign-in page, which says so, and signing in again returns to the page', async () => {
    const admin = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ADMIN.email, password: ADMIN.password });
    const users = await backend.api<{ items: Array<{ id: string; email: string }> }>('GET', '/api/users', admin.accessToken);
    const una = users.items.find((u) => u.email === USER.email)!;
    const { page } = await pageCountingSockets({ width: 1440, height: 900 });
    await signIn(page, backend.url, USER.email, USER.password);
    await openPage(page, 'History');
    await page.waitForURL((url) => url.pathname === '/history');

    // A new password ends every session of the account, this one included.
    const newPassword = 'una-new-password-67890';
    await backend.api('PATCH', `/api/users/${una.id}`, admin.accessToken, { password: newPassword });
    await page.getByRole('button', { name: 'Search' }).click();

    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/history');
    await expect.poll(() => page.getByTestId('session-ended').textContent()).toMatch(/^You were signed out at .+, (less than a minute|\d+ min) after signing in\. Sign in again to continue\.$/);
    await shoot(page, '32-session-ended');

    await page.getByLabel('Email').fill(USER.email);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/history');
    await page.getByTestId('history-table').waitFor();
    expect(await page.getByTestId('session-ended').count()).toBe(0);
    await page.context().close();
  });

  it('after sign-in, never follows a next= that leaves the site', async () => {
    const { page } = await pageCountingSockets({ width: 1440, height: 900 });
    await page.goto(`${backend.url}/login?next=${encodeURIComponent('//evil.example/history')}`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('phone-status').waitFor();
    const url = new URL(page.url());
    expect(url.origin).toBe(backend.url);
    expect(url.pathname).toBe('/');
    await page.context().close();
  });
});

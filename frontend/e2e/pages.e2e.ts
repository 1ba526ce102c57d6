// The app's pages against a running SIPCall with data in it: call records
// posted as the switch posts them, a live call on the (test) switch. An admin
// sees history, live calls (and hangs one up), analytics, numbers, users and
// the audit log; a user sees their own history and settings. Every page
// passes axe (nothing serious or critical) at desktop and phone sizes, light and dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { launchChromium, newContext, shoot, signIn, openPage } from './support/browser.js';
import { RECENT_CALLS, postRecentCalls, startSeeded } from './support/seeded.js';
import type { Backend } from './support/stack.js';

const ADMIN = { email: 'ada@example.test', password: 'ada-password-12345', name: 'Ada Admin' };
const USER = { email: 'carl@example.test', password: 'carl-password-12345', name: 'Carl Caller' };

let peer: FreeSwitchPeer;
let backend: Backend;
let browser: Browser;
let admin: Page;
let carlId = '';

const rows = (page: Page, table: string) => page.getByTestId(table).locator('tbody tr');

describe('pages with data', () => {
  beforeAll(async () => {
    const seeded = await startSeeded(ADMIN);
    ({ peer, backend } = seeded);
    carlId = (await backend.api<{ user: { id: string } }>('POST', '/api/users', seeded.adminToken, { email: USER.email, displayName: USER.name, password: USER.password, extension: '2001' })).user.id;
    // Carl's calls of the last days, as the switch reports them.
    await postRecentCalls(backend, carlId, '2001');
    browser = await launchChromium();
    admin = await (await newContext(browser, { viewport: { width: 1280, height: 900 } })).newPage();
    admin.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await signIn(admin, backend.url, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.dispose();
    await peer?.stop();
  });

  it('history lists every record, filters by exact number, and masks numbers on request', async () => {
    await openPage(admin, 'History');
    await expect.poll(() => rows(admin, 'history-table').count()).toBe(5);
    const first = await rows(admin, 'history-table').first().textContent();
    expect(first).toContain('+49301234567');
    expect(first).toContain('2:05');
    expect(await admin.getByTestId('history-table').textContent()).toContain('Refused: Premium-rate and shared-cost numbers cannot be called.');
    // no SIP server here: calling back waits for the phone, and says so
    expect(await rows(admin, 'history-table').first().getByRole('button', { name: 'Call +49301234567 back' }).isDisabled()).toBe(true);
    expect(await admin.getByTestId('history-call-why').textContent()).toContain('Your browser phone is not connected yet');
    await shoot(admin, '10-history');
    await admin.getByLabel('Number', { exact: true }).fill('030 1234567');
    await admin.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => rows(admin, 'history-table').count()).toBe(1);
    await admin.getByLabel('Hide numbers').check();
    expect(await rows(admin, 'history-table').first().textContent()).toContain('+********567');
  });

  it('analytics show the totals and draw the charts', async () => {
    await openPage(admin, 'Analytics');
    await expect.poll(() => admin.getByTestId('analytics-totals').textContent()).toContain('Calls5');
    expect(await admin.getByTestId('analytics-totals').textContent()).toContain('Answered3');
    expect(await admin.locator('canvas').count()).toBe(6);
    expect(await admin.getByTestId('analytics-users').textContent()).toContain(USER.name);
    await shoot(admin, '11-analytics');

    // Any range, in whole days: from the day of six hours ago to today holds the calls of the last hours,
    // and, run shortly after midnight, those of yesterday too.
    await admin.getByLabel('Period').selectOption('custom');
    const day = (ms: number) => new Date(ms).toLocaleDateString('sv'); // YYYY-MM-DD, local
    const [from, to] = [day(Date.now() - 6 * 3_600_000), day(Date.now())];
    const inRange = RECENT_CALLS.filter((c) => {
      const d = day(Date.now() - c.hoursAgo * 3_600_000);
      return d >= from && d <= to;
    }).length;
    await admin.getByLabel('From', { exact: true }).fill(from);
    await admin.getByLabel('To', { exact: true }).fill(to);
    await admin.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => admin.getByTestId('analytics-totals').textContent()).toContain(`Calls${inRange}Answered`);

    // What is shown, as CSV: every series and table, causes in words beside their codes.
    await admin.getByLabel('Period').selectOption('week');
    await expect.poll(() => admin.getByTestId('analytics-totals').textContent()).toContain('Calls5');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('analytics-csv').click()]);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((s) => {
        let text = '';
        s.on('data', (c: Buffer) => (text += c.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
    });
    expect(download.suggestedFilename()).toMatch(/^sipcall-analytics-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv).toContain('NO_ANSWER,No answer,');
    expect(csv).toContain('NORMAL_CLEARING,Normal hang-up,');
    expect(csv).toContain(`${USER.name},`);
    // Every hour of the week is a row of the time series, those without calls as zeros.
    const volume = csv.split('\r\n\r\n')[0]!.split('\r\n').slice(2);
    expect(volume.length).toBeGreaterThanOrEqual(7 * 24);
    expect(volume.filter((r) => /,0,0,,,0$/.test(r)).length).toBeGreaterThan(150);
  });

  it('live calls show a call on the switch as it happens, and the admin hangs it up', async () => {
    await openPage(admin, 'Live calls');
    await expect.poll(() => admin.getByTestId('live-connection').textContent()).toContain('Live');
    const uuid = peer.placeCall({ sipUser: carlId, userId: carlId, destination: '+49301234567' });
    await expect.poll(() => rows(admin, 'live-table').first().textContent()).toContain(USER.name);
    await expect.poll(() => rows(admin, 'live-table').first().textContent()).toContain('Connected');
    await shoot(admin, '12-live-calls');
    await rows(admin, 'live-table').first().getByRole('button', { name: 'Hang up' }).click();
    // asked in Nextcloud's dialog, naming whose call it is
    const dialog = admin.getByRole('dialog', { name: 'Hang up this call?' });
    expect(await dialog.textContent()).toContain(`Hang up the call of ${USER.name}?`);
    await shoot(admin, '12-live-calls-confirm');
    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => peer.commands.some((c) => c.includes(`uuid_kill ${uuid}`))).toBe(true);
    await expect.poll(() => rows(admin, 'live-table').count()).toBe(0);
    expect(await admin.locator('main').textContent()).toContain('No calls right now.');
  });

  it('numbers: assigns an inbound number to a user and shows the routing policy', async () => {
    await openPage(admin, 'Numbers');
    await admin.getByLabel('Number', { exact: true }).fill('+49 30 555 000');
    await admin.getByLabel('Rings').selectOption({ label: `${USER.name} (${USER.email})` });
    await admin.getByRole('button', { name: 'Add number' }).click();
    await expect.poll(() => rows(admin, 'dids-table').first().textContent()).toContain('+49 30 555000');
    expect(await admin.getByTestId('routing-policy').textContent()).toContain('France (FR)');
    const sentence = await admin.getByTestId('routing-sentence').textContent();
    expect(sentence).toMatch(/^Calls allowed to: .*France.*; blocked: premium-rate and satellite ranges.*; emergency numbers .+: (allowed|refused)$/);
    await shoot(admin, '13-numbers');
  });

  it('users and the audit log list what happened, and who has a phone registered', async () => {
    peer.registered.add(carlId);
    peer.extraDevices.set(carlId, 1);
    await openPage(admin, 'Users');
    await expect.poll(() => admin.locator('tbody').textContent()).toContain(USER.email);
    await expect.poll(() => admin.getByTestId(`devices-${USER.email}`).textContent()).toBe('2 devices');
    await shoot(admin, '14-users');
    await openPage(admin, 'Audit log');
    await expect.poll(() => rows(admin, 'audit-table').count()).toBeGreaterThan(2);
    const log = await admin.getByTestId('audit-table').textContent();
    expect(log).toContain('Created an account');
    expect(log).toContain('Hung up a call');
    expect(log).toContain('Assigned a number');
    for (const code of ['user.create', 'call.hangup', 'did.assign']) expect(log).not.toContain(code);
    await shoot(admin, '15-audit');
    // by date: nothing from tomorrow on, everything again from today
    const day = (plus: number) => admin.evaluate((n) => {
      const d = new Date();
      d.setDate(d.getDate() + n);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, plus);
    await admin.getByTestId('audit-from').fill(await day(1));
    await admin.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => admin.locator('main').textContent()).toContain('Nothing recorded.');
    expect(await rows(admin, 'audit-table').count()).toBe(0);
    await admin.getByTestId('audit-from').fill(await day(0));
    await admin.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => rows(admin, 'audit-table').count()).toBeGreaterThan(2);
    expect(await admin.getByTestId('audit-table').textContent()).toContain('Created an account');
  });

  it('a user sees only their own history, and sets privacy mode in settings', async () => {
    const page = await (await newContext(browser, { viewport: { width: 390, height: 844 } })).newPage();
    await signIn(page, backend.url, USER.email, USER.password);
    expect(await page.getByRole('link', { name: 'Live calls' }).count()).toBe(0);
    await openPage(page, 'Settings');
    await page.getByLabel('Privacy mode').check();
    await expect.poll(() => page.getByTestId('settings-saved').textContent()).toContain('Saved.');
    await shoot(page, '16-settings-phone');
    await openPage(page, 'History');
    await expect.poll(() => rows(page, 'history-table').count()).toBe(5);
    // masked by the server now, whatever the toggle
    expect(await page.getByTestId('history-table').textContent()).not.toContain('+49301234567');
    await shoot(page, '17-history-phone');
  });


  it('skip links come first, each page has its title, and moving to a page focuses its heading', async () => {
    await admin.goto(`${backend.url}/history`);
    await admin.locator('h1').waitFor();
    expect(await admin.title()).toBe('History · SIPCall');
    await admin.keyboard.press('Tab');
    expect((await admin.locator(':focus').textContent())?.trim()).toBe('Skip to app navigation');
    await admin.keyboard.press('Tab');
    expect((await admin.locator(':focus').textContent())?.trim()).toBe('Skip to main content');
    await admin.keyboard.press('Enter');
    await expect.poll(() => admin.locator(':focus').textContent()).toBe('Call history');
    await openPage(admin, 'Numbers');
    await expect.poll(() => admin.title()).toBe('Numbers · SIPCall');
    await expect.poll(() => admin.locator(':focus').textContent()).toBe('Numbers and routing');
  });
  it('every page has no serious or critical accessibility violations and nothing sideways, at both sizes, in light, dark and high contrast', async () => {
    const adminPages = [
      ['phone', '/', 'Phone'],
      ['history', '/history', 'History'],
      ['settings', '/settings', 'Settings'],
      ['live', '/admin/live', 'Live calls'],
      ['analytics', '/admin/analytics', 'Analytics'],
      ['users', '/admin/users', 'Users'],
      ['numbers', '/admin/numbers', 'Numbers'],
      ['audit', '/admin/audit', 'Audit log'],
    ] as const;
    const userPages = adminPages.slice(0, 3);
    const found: string[] = [];
    const check = async (page: Page, name: string, path: string) => {
      await page.locator('h1').first().waitFor();
      // the page asked for, not the sign-in page it would fall back to
      expect(new URL(page.url()).pathname, name).toBe(path);
      await page.waitForLoadState('networkidle');
      // colours are read once the navigation's transitions have ended, not halfway through
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      await shoot(page, `40-a11y-${name}`);
      const violations = await axeViolations(page);
      if (violations.length) found.push(`${name}:\n${describeViolations(violations)}`);
      const sideways = await sidewaysScrolling(page);
      if (sideways.length) found.push(`${name}: scrolls sideways: ${sideways.join(', ')}`);
    };
    const themes = [
      { colorScheme: 'light', contrast: 'no-preference' },
      { colorScheme: 'dark', contrast: 'no-preference' },
      { colorScheme: 'light', contrast: 'more' },
      { colorScheme: 'dark', contrast: 'more' },
    ] as const;
    for (const { colorScheme, contrast } of themes) {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
        const suffix = `${viewport.width}-${colorScheme}${contrast === 'more' ? '-contrast' : ''}`;
        const context = await newContext(browser, { viewport, colorScheme, contrast, bypassCSP: true });
        const page = await context.newPage();
        await page.goto(`${backend.url}/login`);
        await check(page, `login-${suffix}`, '/login');
        await signIn(page, backend.url, ADMIN.email, ADMIN.password);
        // through the navigation, as a person moves: no reload renewing the session each time
        for (const [name, path, link] of adminPages) {
          await openPage(page, link);
          await page.waitForURL((url) => url.pathname === path);
          await check(page, `${name}-${suffix}`, path);
        }
        await context.close();
        const userContext = await newContext(browser, { viewport, colorScheme, contrast, bypassCSP: true });
        const userPage = await userContext.newPage();
        await signIn(userPage, backend.url, USER.email, USER.password);
        for (const [name, path, link] of userPages) {
          await openPage(userPage, link);
          await userPage.waitForURL((url) => url.pathname === path);
          await check(userPage, `user-${name}-${suffix}`, path);
        }
        await userContext.close();
      }
    }
    expect(found.join('\n\n')).toBe('');
  }, 600_000); // 88 pages checked: an upper bound for a busy machine

  it('a right-to-left page mirrors: the navigation on the right, nothing sideways', async () => {
    for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
      const context = await newContext(browser, { viewport });
      const page = await context.newPage();
      await signIn(page, backend.url, ADMIN.email, ADMIN.password);
      for (const [path, link] of [['/', 'Phone'], ['/history', 'History'], ['/admin/users', 'Users']] as const) {
        await page.evaluate(() => (document.documentElement.dir = 'ltr'));
        await openPage(page, link);
        await page.waitForURL((url) => url.pathname === path);
        await page.locator('h1').first().waitFor();
        // No catalogue is right-to-left yet: the page is turned as one would be.
        await page.evaluate(() => (document.documentElement.dir = 'rtl'));
        if (viewport.width > 1000) {
          const nav = await page.locator('#app-navigation-vue').boundingBox();
          expect(nav!.x).toBeGreaterThan(viewport.width / 2);
        }
        const heading = await page.locator('main h1').first().boundingBox();
        expect(heading!.x + heading!.width).toBeGreaterThan(viewport.width / 2);
        expect(await sidewaysScrolling(page)).toEqual([]);
      }
      await shoot(page, `41-rtl-users-${viewport.width}`);
      await context.close();
    }
  });
});

/** What on the page scrolls sideways (the page itself, its main area, a table), by name. */
function sidewaysScrolling(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parts: [string, Element | null][] = [
      ['page', document.scrollingElement],
      ['main', document.querySelector('main')],
      ...[...document.querySelectorAll('.table-wrap')].map((el, i): [string, Element] => [`table ${i + 1}`, el]),
    ];
    return parts.filter(([, el]) => el && el.scrollWidth > el.clientWidth + 1).map(([name]) => name);
  });
}

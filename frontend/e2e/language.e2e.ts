// The web app in the browser's language: a German Chromium (context locale
// de-DE) gets the sign-in page, the dialpad, history and analytics in German
// with German numbers and dates, and a language chosen in Settings wins over
// the browser's until the person goes back to following it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { launchChromium, newContext, shoot, openPage } from './support/browser.js';
import { postRecentCalls, startSeeded } from './support/seeded.js';
import type { Backend } from './support/stack.js';

const ADMIN = { email: 'greta@example.test', password: 'greta-password-12345', name: 'Greta Gruber' };
const SIZES = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

let peer: FreeSwitchPeer;
let backend: Backend;
let browser: Browser;

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');
const rows = (page: Page, table: string) => page.getByTestId(table).locator('tbody tr');

async function germanPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, { locale: 'de-DE', timezoneId: 'Europe/Berlin', viewport });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  return page;
}

/** Signs in through the German form: the English words would not be found. */
async function anmelden(page: Page): Promise<void> {
  await page.goto(`${backend.url}/login`);
  await page.getByRole('heading', { name: 'Bei SIPCall anmelden' }).waitFor();
  await page.getByLabel('E-Mail').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByTestId('phone-status').waitFor();
}

describe('the web app in German', () => {
  beforeAll(async () => {
    const seeded = await startSeeded(ADMIN);
    ({ peer, backend } = seeded);
    const me = await backend.api<{ user: { id: string } }>('GET', '/api/auth/me', seeded.adminToken);
    await postRecentCalls(backend, me.user.id, '1001');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.dispose();
    await peer?.stop();
  });

  it.each(SIZES)('a German browser signs in, dials and reads its history in German ($name)', async ({ name, viewport }) => {
    const page = await germanPage(viewport);
    await page.goto(`${backend.url}/login`);
    await page.getByRole('heading', { name: 'Bei SIPCall anmelden' }).waitFor();
    expect(await htmlLang(page)).toBe('de');
    await shoot(page, `30-de-sign-in-${name}`);
    await anmelden(page);

    // The dialpad: its words, and the destination's country in German.
    expect(await page.getByRole('button', { name: 'Anrufen' }).count()).toBe(1);
    await page.getByLabel('Rufnummer').fill('030 1234567');
    await expect.poll(() => page.locator('.dialpad__preview').textContent()).toContain('+49 30 1234567 · Deutschland');
    await shoot(page, `31-de-dialpad-${name}`);

    // History: German dates (02.12.2026, 14:33) and refusal reasons.
    await openPage(page, 'Verlauf');
    await expect.poll(() => rows(page, 'history-table').count()).toBe(5);
    expect(await rows(page, 'history-table').first().textContent()).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
    expect(await page.getByTestId('history-table').textContent()).toContain('Abgewiesen: Mehrwert- und Sonderrufnummern können nicht angerufen werden.');
    await shoot(page, `32-de-history-${name}`);
    await page.context().close();
  });

  it('analytics write German percentages and decimals', async () => {
    const page = await germanPage(SIZES[0].viewport);
    await anmelden(page);
    await openPage(page, 'Auswertung');
    await expect.poll(() => page.getByTestId('analytics-totals').textContent()).toContain('Anrufe5');
    const totals = (await page.getByTestId('analytics-totals').textContent()) ?? '';
    expect(totals).toContain('Angenommen3');
    // 3 of 5 answered: 60 % with the space German puts before the sign.
    expect(totals).toMatch(/Annahmequote \(ASR\)60\s%/);
    // 767 s talked: 12,78 minutes, a decimal comma in the per-user table.
    expect(await page.getByTestId('analytics-users').textContent()).toContain('12,8');
    await shoot(page, '33-de-analytics-desktop');
    await page.context().close();
  });

  it.each(SIZES)('a language chosen in Settings wins over the browser, is kept, and can be given back ($name)', async ({ name, viewport }) => {
    const page = await germanPage(viewport);
    await anmelden(page);
    await openPage(page, 'Einstellungen');
    const language = page.getByLabel('Sprache');
    await shoot(page, `34-de-settings-${name}`);

    await language.selectOption('en');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(await page.locator('#app-navigation-vue a', { hasText: 'History' }).count()).toBe(1);

    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await htmlLang(page)).toBe('en');

    await page.getByLabel('Language', { exact: true }).selectOption({ label: 'Browser language (Deutsch)' });
    await page.getByRole('heading', { name: 'Einstellungen', level: 1 }).waitFor();
    expect(await htmlLang(page)).toBe('de');
    await page.context().close();
  });
});

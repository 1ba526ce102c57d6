// Debian's Chromium driven by playwright-core, with fake media devices and
// loopback ICE candidates allowed (the tests run in a loopback-only namespace).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { root } from './stack.js';

export const SCREENSHOTS = path.join(root, 'frontend/e2e/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * A context (a fresh browser profile) that speaks US English unless the test
 * asks for another locale: the app follows the browser's language, and the
 * tests read English words whatever language the machine is set to.
 */
export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: 'en-US', ...options });
}

/**
 * A page in a fresh context, which `contexts` keeps for the test's cleanup;
 * its errors (and with E2E_DEBUG its console) go to the test's output.
 */
export async function pageIn(browser: Browser, contexts: BrowserContext[], options: BrowserContextOptions = {}): Promise<Page> {
  const context = await newContext(browser, options);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.stack ?? err.message}`));
  if (process.env['E2E_DEBUG']) page.on('console', (m) => console.error(`console: ${m.text()}`));
  return page;
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('phone-status').waitFor();
}

/** Writes a screenshot for a person to look at (not compared, not committed). */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Goes to a page by its entry in the navigation, as a person does: on a phone's width the
 * navigation is folded away behind its toggle, which is opened first.
 */
export async function openPage(page: Page, name: string): Promise<void> {
  const link = page.locator('#app-navigation-vue').getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) await page.locator('button.app-navigation-toggle').click();
  await link.click();
}

/** Signs out from the user's menu (the avatar at the header's end). */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').getByRole('button').first().click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
}

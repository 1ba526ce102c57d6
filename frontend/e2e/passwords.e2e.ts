// Changing one's own password in Settings: the form takes the current and the
// new one, says it worked, keeps this browser signed in and signs out the
// person's other browser; the old password stops working, the new one works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FreeSwitchPeer } from '../../backend/test/support/freeswitch-peer.js';
import { launchChromium, newContext, shoot, signIn } from './support/browser.js';
import { startSeeded } from './support/seeded.js';
import type { Backend } from './support/stack.js';

const ADMIN = { email: 'admin@example.test', password: 'admin-password-12345', name: 'Ada Admin' };
const USER = { email: 'pia@example.test', password: 'the old password is long', displayName: 'Pia Meyer' };
const NEW = 'a fresh passphrase for spring';

let peer: FreeSwitchPeer;
let backend: Backend;
let browser: Browser;

describe('changing one’s password in Settings', () => {
  beforeAll(async () => {
    const seeded = await startSeeded(ADMIN);
    ({ peer, backend } = seeded);
    await backend.api('POST', '/api/users', seeded.adminToken, { ...USER, password: USER.password });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.dispose();
    await peer?.stop();
  });

  it('refuses a wrong current password and changes nothing, then changes it and signs out the other browser', async () => {
    const here = await (await newContext(browser)).newPage();
    const there = await (await newContext(browser)).newPage();
    await signIn(here, backend.url, USER.email, USER.password);
    await signIn(there, backend.url, USER.email, USER.password);

    await here.goto(`${backend.url}/settings`);
    const form = here.getByTestId('change-password');
    await form.getByLabel('Current password', { exact: true }).fill('not my password at all');
    await form.getByLabel('New password', { exact: true }).fill(NEW);
    await form.getByLabel('Repeat the new password', { exact: true }).fill(NEW);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => here.getByTestId('password-error').textContent()).toContain('The current password is wrong.');
    // the other browser is still signed in
    await there.reload();
    await there.getByTestId('phone-status').waitFor();

    await form.getByLabel('Current password', { exact: true }).fill(USER.password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await here.getByText('Your password was changed. Your other sessions are signed out.').filter({ visible: true }).first().waitFor(); // the toast, not its hidden announcement
    await shoot(here, 'settings-password-changed');
    expect(await form.getByLabel('Current password', { exact: true }).inputValue()).toBe('');

    // this browser stays signed in; the other one is sent to sign in
    await here.reload();
    await here.getByTestId('phone-status').waitFor();
    await there.reload();
    await there.getByRole('heading', { name: 'Sign in to SIPCall' }).waitFor();

    // the old password no longer signs in, the new one does
    await there.getByLabel('Email').fill(USER.email);
    await there.getByLabel('Password').fill(USER.password);
    await there.getByRole('button', { name: 'Sign in' }).click();
    await there.getByText('Wrong email or password.').waitFor();
    await there.getByLabel('Password').fill(NEW);
    await there.getByRole('button', { name: 'Sign in' }).click();
    await there.getByTestId('phone-status').waitFor();
  });
});

// SIPCall's Nextcloud app as an admin installs it, behind a Nextcloud for the
// browser tests: the release archive built and unpacked, and
// nextcloud-host.php serving its pages and routes under `php -S` on loopback
// (that file says which part of Nextcloud each of its parts stands for).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Proc, freePort, root, until } from './stack.js';

export interface HostUser {
  name: string;
  email: string;
  groups: string[];
}

/** What the host keeps between requests, and what the tests read of it. */
export interface HostState {
  statusLog?: { user: string; params: { inCall?: unknown }; answer: number; shown: { status: string; message: string | null } | null }[];
  userConfig?: Record<string, string>;
  notifications?: { user: string; object: string; subject: string; link: string }[];
  missedCallAnswers?: { status: number; data: unknown }[];
}

export interface NextcloudHost {
  url: string;
  state(): HostState;
  stop(): Promise<void>;
}

/** Why the host cannot run here, or null. */
export const hostMissing = (): string | null =>
  spawnSync('sh', ['-c', 'command -v php'], { encoding: 'utf8' }).stdout.trim() !== '' ? null : 'php is not installed (apt-get install php-cli): the app’s PHP cannot serve its routes';

/** The port the host will listen on, known before SIPCall starts (it names the host as NEXTCLOUD_URL). */
export async function reserveHost(): Promise<{ port: number; url: string }> {
  const port = await freePort();
  return { port, url: `http://127.0.0.1:${port}` };
}

/** Builds and unpacks the app, then serves it on `port` with the admin's settings saved: SIPCall's address, the secret, the allowed groups. */
export async function startNextcloudHost(o: { port: number; sipcallUrl: string; secret: string; users: Record<string, HostUser>; allowedGroups: string[] }): Promise<NextcloudHost> {
  const work = mkdtempSync(path.join(tmpdir(), 'sipcall-nc-host-'));
  const archive = spawnSync(process.execPath, [path.join(root, 'scripts/build-nextcloud-app.mjs'), '--out', work], { encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`build:nextcloud-app failed\n${archive.stderr}`);
  spawnSync('tar', ['-xzf', archive.stdout.trim(), '-C', work], { stdio: 'inherit' });
  const statePath = path.join(work, 'host-state.json');
  writeFileSync(statePath, JSON.stringify({ hostSecret: 'host-secret-for-request-tokens', users: o.users, admin: { url: o.sipcallUrl, secret: o.secret, groups: o.allowedGroups } }));
  const child = spawn('php', ['-S', `127.0.0.1:${o.port}`, path.join(root, 'frontend/e2e/support/nextcloud-host.php')], {
    cwd: work,
    env: { PATH: process.env['PATH'] ?? '', SIPCALL_APP_DIR: path.join(work, 'sipcall'), SIPCALL_APP_DOUBLES: path.join(root, 'nextcloud-app/tests/Doubles'), SIPCALL_HOST_STATE: statePath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const host = new Proc('nextcloud-host', child);
  const url = `http://127.0.0.1:${o.port}`;
  await until('the Nextcloud host to answer', async () => ((await fetch(`${url}/login?user=nobody`).catch(() => null))?.status === 404 ? true : null), 15_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${host.tail()}`);
  });
  return {
    url,
    state: () => JSON.parse(readFileSync(statePath, 'utf8')) as HostState,
    stop: async () => {
      await host.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The phone in a host page's header, as a person uses it. */
export function miniPhone(page: Page) {
  const panel = page.locator('#sipcall-panel');
  const call = panel.locator('[data-sipcall-call]');
  return {
    registration: () => panel.locator('[data-sipcall-status]').getAttribute('data-registration'),
    async open() {
      if (!(await panel.isVisible())) await page.locator('#sipcall-mini-phone').getByRole('button', { name: /^Phone/ }).click();
    },
    async dial(number: string) {
      await this.open();
      await panel.getByLabel('Number', { exact: true }).fill(number);
      await panel.getByRole('button', { name: 'Call', exact: true }).click();
    },
    callState: () => call.getAttribute('data-state'),
    packetsReceived: async () => Number(await call.getAttribute('data-packets-received')),
    hangUp: () => panel.getByRole('button', { name: 'Hang up' }).click(),
  };
}

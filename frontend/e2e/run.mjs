#!/usr/bin/env node
// Runs the browser end-to-end tests inside a network namespace that has only
// loopback up, so WebRTC media between the pages can only flow 127.0.0.1 ↔
// 127.0.0.1 and nothing targets another address of the machine.
//
// Needs: root (to create the namespace), `ip` and Chromium (CHROMIUM_PATH or
// /usr/bin/chromium). When one is missing the run is skipped and says why,
// unless SIPCALL_E2E=require (CI). What single files need beyond that
// (Kamailio for phone.e2e.ts, a FreeSWITCH for freeswitch.e2e.ts) they check
// themselves, skipping with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const frontend = path.resolve(here, '..');
const root = path.resolve(frontend, '..');
const required = process.env.SIPCALL_E2E === 'require';

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
}

function missing() {
  if (process.env.SIPCALL_E2E === 'skip') return 'SIPCALL_E2E=skip';
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  if (!which('ip')) return '`ip` (iproute2) is not installed';
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return `no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`;
  return null;
}

const why = missing();
if (why) {
  if (required) {
    console.error(`e2e: cannot run: ${why}`);
    process.exit(1);
  }
  process.stdout.write(`e2e: skipped: ${why}\n`);
  process.exit(0);
}

// The tests drive the built app, as `npm start` serves it.
const build = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs'), '--build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const ns = `sipcall-e2e-${process.pid}`;
const ip = (...args) => spawnSync('ip', args, { stdio: ['ignore', 'inherit', 'pipe'] }).status === 0;
if (!ip('netns', 'add', ns) || !ip('-n', ns, 'link', 'set', 'lo', 'up')) {
  // Root without CAP_NET_ADMIN (a container, say) cannot make one.
  ip('netns', 'delete', ns);
  const message = `could not create network namespace ${ns} (needs CAP_NET_ADMIN)`;
  if (required) {
    console.error(`e2e: cannot run: ${message}`);
    process.exit(1);
  }
  process.stdout.write(`e2e: skipped: ${message}\n`);
  process.exit(0);
}
/** Anything the tests left running dies with the namespace. */
function removeNamespace() {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  ip('netns', 'delete', ns);
}

// Interrupted (Ctrl-C, a CI timeout): the switch, the browsers and the servers inside go too.
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const run = spawn('ip', ['netns', 'exec', ns, process.execPath, vitest, 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)], {
  cwd: frontend,
  stdio: 'inherit',
  env: { ...process.env, SIPCALL_E2E_NETNS: ns },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    removeNamespace();
    process.exit(130);
  });
}
const status = await new Promise((resolve) => run.on('exit', (code) => resolve(code ?? 1)));
removeNamespace();
process.exit(status);

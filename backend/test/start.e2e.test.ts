// The README's quick start, driven as a user would: `npm run sipcall -- admin
// create`, then `npm start` on the embedded database, the login page, the API,
// a clean SIGTERM, and a restart that keeps the data.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/until.js';
import { freePort } from './support/ports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = { email: 'first.admin@example.com', password: 'first admin password' };
const MIGRATIONS = ['Foundation1763704800000', 'Routing1763712000000', 'CallRecords1763719200000', 'PasswordResets1763726400000', 'Contacts1764748800000', 'NextcloudContacts1764921600000', 'NextcloudIdentities1765008000000', 'Rates1765267200000', 'Ledger1765440000000'];

describe('the README quick start', () => {
  let dataDir: string;
  let port: number;
  let server: ChildProcess | null = null;
  let serverLog = '';

  const env = () => ({
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    SIPCALL_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    SHUTDOWN_DRAIN_SECONDS: '2',
  });
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;
  /** The `msg` of each JSON log line the server printed, in order. */
  const logMessages = () =>
    serverLog
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);

  function run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('npm', args, { cwd: ROOT, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.end(stdin);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function start(): Promise<void> {
    serverLog = '';
    server = spawn('npm', ['start'], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
    const until = Date.now() + 90_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`npm start exited early:\n${serverLog}`);
      const ok = await fetch(url('/healthz')).then((r) => r.ok).catch(() => false);
      if (ok) return;
      if (Date.now() > until) throw new Error(`npm start did not answer /healthz:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Sends SIGTERM and waits until the server has closed its output, i.e. exited. */
  async function stop(): Promise<void> {
    const child = server;
    if (!child) return;
    server = null;
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // To the whole process group, as a terminal's Ctrl-C or systemd's stop does: npm does not forward it.
    process.kill(-child.pid!, 'SIGTERM');
    return exited;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sipcall-e2e-'));
    port = await freePort();
    // Build what is stale now, so that no test's output carries the build's.
    const built = await run(['run', '-s', 'start', '--', '--build']);
    if (built.code !== 0) throw new Error(`the build failed:\n${built.stdout}${built.stderr}`);
  }, 300_000);
  afterAll(async () => {
    if (server) process.kill(-server.pid!, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses bad CLI arguments with a usage message', async () => {
    const r = await run(['run', '-s', 'sipcall', '--', 'admin', 'create', '--email', 'not-an-email'], `${ADMIN.password}\n`);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--email');
    const weak = await run(['run', '-s', 'sipcall', '--', 'admin', 'create', '--email', ADMIN.email], 'short\n');
    expect(weak.code).toBe(64);
    expect(weak.stderr).toContain('at least 12 characters');
  }, 120_000);

  const COMMANDS = ['admin create', 'admin reset-password', 'migrate', 'cdr import', 'rates import', 'rates export', 'rates list', 'rates rerate', 'ledger verify', 'vouchers create', 'keys rotate'];

  it.each(COMMANDS)('answers `sipcall %s --help` with that command\'s usage and exit 0, opening no database', async (command) => {
    const r = await run(['run', '-s', 'sipcall', '--', ...command.split(' '), '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: sipcall ${command}( |$)`));
    expect(r.stdout).toContain('--help');
    expect(existsSync(path.join(dataDir, 'pglite'))).toBe(false);
  }, 120_000);

  it.each([
    { line: 'cdr import --archive', error: '--archive needs a value', usage: 'cdr import DIR [--archive DIR]' },
    { line: 'cdr import', error: 'cdr import needs the spool directory (DIR)', usage: 'cdr import DIR' },
    { line: `admin create --emial ${ADMIN.email}`, error: 'unknown option --emial', usage: 'admin create --email EMAIL' },
    { line: 'migrate now', error: 'unexpected argument: now', usage: 'migrate' },
    { line: 'keys', error: 'keys needs a command: rotate', usage: 'keys rotate' },
    { line: 'rates import deck.csv', error: '--deck is required', usage: 'rates import FILE --deck NAME' },
    { line: 'rates import deck.csv --deck sell --effective 2026-02-30', error: '--effective: must be a day that exists', usage: 'rates import FILE' },
    { line: 'rates rerate --from 2026-02-01 --to 2026-01-01', error: '--to must be after --from', usage: 'rates rerate --from DAY --to DAY' },
    { line: 'rates', error: 'rates needs a command: import or export or list or rerate', usage: 'rates list' },
    { line: 'vouchers create --amount 0 --count 5', error: '--amount: must be an amount like 10.00, above 0 and at most 1000', usage: 'vouchers create --amount AMOUNT --count N' },
    { line: 'vouchers create --amount 10 --count 5000', error: '--count: must be 1 to 1000', usage: 'vouchers create' },
  ])('answers `sipcall $line` with "$error", the usage and exit 64', async ({ line, error, usage }) => {
    const r = await run(['run', '-s', 'sipcall', '--', ...line.split(' ')]);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    const [first, blank, ...rest] = r.stderr.split('\n');
    expect([first, blank]).toEqual([`sipcall: ${error}`, '']);
    expect(rest.join('\n')).toContain(`sipcall ${usage}`);
    // Our words, not Node's parser or a stack trace.
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|Error:|\n\s+at /);
  }, 120_000);

  it('migrates a fresh database with `sipcall migrate`, naming what it applied and saying each step on stderr', async () => {
    const r = await run(['run', '-s', 'sipcall', '--', 'migrate']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')).toEqual([
      `creating the embedded database in ${path.join(dataDir, 'pglite')} (first start takes a while)…`,
      'database ready',
      ...MIGRATIONS.map((m) => `applying migration ${m}…`),
      '',
    ]);
    expect(r.stdout).toBe(`applied: ${MIGRATIONS.join(', ')}\n`);
  }, 120_000);

  it('creates the first admin with the CLI, saying each step on stderr', async () => {
    const r = await run(['run', '-s', 'sipcall', '--', 'admin', 'create', '--email', ADMIN.email, '--name', 'First Admin'], `${ADMIN.password}\n`);
    expect(r.stderr.split('\n')).toEqual([`starting the embedded database in ${path.join(dataDir, 'pglite')}…`, 'database ready', 'hashing the password…', '']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created admin first\.admin@example\.com \([0-9a-f-]{36}\)\n$/);
  }, 120_000);

  it('imports a rate deck from CSV with progress, refusing a bad one whole by its lines, and exports it as it came', async () => {
    const deck = path.join(dataDir, 'sell.csv');
    const header = 'prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency';
    writeFileSync(deck, `${header}\n49,Germany,0.02,0,60/60,0,EUR\n49,Germany again,0.03,0,60/60,0,EUR\n33,France,abc,0,60/60,0,EUR\n`);
    const bad = await run(['run', '-s', 'sipcall', '--', 'rates', 'import', deck, '--deck', 'sell']);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('sipcall: The deck was not imported: 2 lines are wrong; nothing was imported\n  line 3: prefix +49 again (first on line 2)\n  line 4: rate_per_minute "abc"');
    const good = `${header}\n49,Germany,0.02,0,60/60,0,EUR\n4930,"Berlin, city",0.01,0.05,30/6,0,EUR\n`;
    writeFileSync(deck, good);
    const imported = await run(['run', '-s', 'sipcall', '--', 'rates', 'import', deck, '--deck', 'sell', '--effective', '2026-01-01']);
    expect(imported.stdout).toBe('imported deck sell: 2 rows in EUR, pricing calls from 2026-01-01\n');
    expect(imported.stderr).toContain('importing rows: 2/2');
    expect(imported.code).toBe(0);
    const listed = await run(['run', '-s', 'sipcall', '--', 'rates', 'list']);
    expect(listed.stdout).toMatch(/^sell \(what users pay\)\n {2}2026-01-01 +2 rows {2}EUR {2}cli {2}in effect\n$/);
    const exported = await run(['run', '-s', 'sipcall', '--', 'rates', 'export', '--deck', 'sell']);
    expect(exported.stdout).toBe(good);
    const again = await run(['run', '-s', 'sipcall', '--', 'rates', 'rerate', '--from', '2026-01-01', '--to', '2026-02-01']);
    expect(again.stdout).toBe('0 calls: 0 charges changed, 0 not priced by any deck, 0 unreadable (erased)\n');
  }, 120_000);

  it('makes vouchers and checks the ledger from the command line', async () => {
    const made = await run(['run', '-s', 'sipcall', '--', 'vouchers', 'create', '--amount', '10.00', '--count', '3']);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^([A-Z2-9]{4}-){3}[A-Z2-9]{4}\n([A-Z2-9]{4}-){3}[A-Z2-9]{4}\n([A-Z2-9]{4}-){3}[A-Z2-9]{4}\n$/);
    expect(made.stderr).toContain('3 vouchers worth 10.00 each made');
    const verified = await run(['run', '-s', 'sipcall', '--', 'ledger', 'verify']);
    expect([verified.code, verified.stdout]).toEqual([0, '0 differences\n']);
  }, 120_000);

  it('says what it does while it starts, then serves the login page and the API on one port', async () => {
    await start();
    // The line is written before the first answer, but may reach us after it.
    await until(logMessages, (msgs) => msgs.some((m) => m.startsWith('SIPCall listening on')), 30_000);
    const steps = logMessages().filter((m) => /embedded database|database ready|schema|migration|listening/.test(m));
    expect(steps).toEqual([
      `starting the embedded database in ${path.join(dataDir, 'pglite')}…`,
      'database ready',
      'database schema up to date',
      `SIPCall listening on http://127.0.0.1:${port}`,
    ]);
    const page = await fetch(url('/login'));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>SIPCall</title>');
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    // The entry and the chunks it preloads carry the app's strings.
    const preloads = [...html.matchAll(/<link rel="modulepreload" crossorigin href="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    let code = '';
    for (const file of [script!, ...preloads]) {
      const asset = await fetch(url(file));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      code += await asset.text();
    }
    expect(code).toContain('Sign in to SIPCall');
    expect((await fetch(url('/readyz'))).status).toBe(200);
  }, 120_000);

  it('lets the first admin sign in and manage users', async () => {
    const login = await fetch(url('/api/auth/login'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const { accessToken, user } = (await login.json()) as { accessToken: string; user: { role: string } };
    expect(user.role).toBe('admin');
    const auth = { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' };
    const created = await fetch(url('/api/users'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ email: 'agent@example.com', displayName: 'Agent', password: 'agent password 123' }),
    });
    expect(created.status).toBe(201);
    const list = (await (await fetch(url('/api/users'), { headers: auth })).json()) as { items: Array<{ email: string }> };
    expect(list.items.map((u) => u.email)).toEqual(['agent@example.com', ADMIN.email]);
    // the dialpad's check of a typed number
    const preview = (await (await fetch(url('/api/destinations?number=030%201234567'), { headers: auth })).json()) as { number: string; allowed: boolean };
    expect(preview).toMatchObject({ number: '+49301234567', allowed: true });
  }, 60_000);

  it('keeps the CLI off the embedded database while the server owns it', async () => {
    const r = await run(['run', '-s', 'sipcall', '--', 'admin', 'create', '--email', 'second@example.com'], 'second admin password\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/embedded database is in use by process \d+/);
  }, 60_000);

  it('drains on SIGTERM, then stops cleanly and keeps its data across a restart', async () => {
    const stopped = stop();
    // Draining begins as the signal arrives; how soon that is depends on the machine.
    let readiness = 0;
    for (const until = Date.now() + 30_000; readiness !== 503 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      readiness = (await fetch(url('/readyz'))).status;
    }
    expect(readiness).toBe(503);
    expect(((await (await fetch(url('/readyz'))).json()) as { status: string }).status).toBe('draining');
    await stopped;
    expect(serverLog).toContain('"msg":"draining: new calls refused, calls under way carry on"');
    expect(serverLog).toContain('"msg":"shutting down"');
    expect(serverLog).toContain('"msg":"stopped"');
    expect(serverLog).not.toContain('closing failed');
    // the database was closed properly: its lock is released
    expect(existsSync(path.join(dataDir, 'pglite', 'sipcall.lock'))).toBe(false);
    await start();
    const login = await fetch(url('/api/auth/login'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'agent@example.com', password: 'agent password 123' }),
    });
    expect(login.status).toBe(200);
    await stop();
  }, 120_000);
});


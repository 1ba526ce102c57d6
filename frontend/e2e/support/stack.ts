// What the browser tests run against: Kamailio as the SIP-over-WebSocket
// registrar, SIPCall's built server on an embedded database, and the
// FreeSWITCH test peer as its switch. Everything binds to 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../../..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const portOpen = (port: number) =>
  new Promise<true | null>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(null));
  });

/** A child process whose output is kept (and shown when a test fails). */
export class Proc {
  readonly output: string[] = [];
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }
  tail(lines = 40): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Why a test file cannot run here (`why`), said once; null when it can. Where
 * the browser tests are required (CI: SIPCALL_E2E=require) a missing peer fails the run instead.
 */
export function unlessAvailable(file: string, why: string | null): string | null {
  if (why === null) return null;
  if (process.env['SIPCALL_E2E'] === 'require') throw new Error(`${file}: cannot run: ${why}`);
  console.warn(`${file}: skipped: ${why}`);
  return why;
}

/** Why Kamailio (with its WebSocket module) cannot run here, or null when it can. */
export function kamailioMissing(): string | null {
  if (spawnSync('sh', ['-c', 'command -v kamailio'], { encoding: 'utf8' }).stdout.trim() === '') return 'Kamailio is not installed (apt-get install kamailio kamailio-websocket-modules)';
  const moduleDirs = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];
  const hasWebSocket = moduleDirs.some((d) => existsSync(d) && readdirSync(d).includes('websocket.so'));
  return hasWebSocket ? null : "Kamailio's WebSocket module is not installed (apt-get install kamailio-websocket-modules)";
}

export class Kamailio {
  private proc: Proc | null = null;
  private extensions: Record<string, string> = {};
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'sipcall-kamailio-'));
  constructor(readonly port: number) {}

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) Kamailio with `extensions` mapped to SIP users. */
  async start(extensions: Record<string, string> = this.extensions): Promise<void> {
    this.extensions = extensions;
    copyFileSync(path.join(here, 'kamailio.cfg'), path.join(this.dir, 'kamailio.cfg'));
    const lines = Object.entries(extensions).map(([ext, user]) => `\tif ($rU == "${ext}") { $rU = "${user}"; return; }`);
    writeFileSync(path.join(this.dir, 'extensions.cfg'), `route[EXTENSIONS] {\n${lines.join('\n')}\n}\n`);
    const child = spawn(
      'kamailio',
      ['-f', path.join(this.dir, 'kamailio.cfg'), '-DD', '-E', '-l', `tcp:127.0.0.1:${this.port}`, '-Y', this.dir, '-P', path.join(this.dir, 'kamailio.pid'), '-m', '64', '-M', '8'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = new Proc('kamailio', child);
    await until('Kamailio to listen', () => portOpen(this.port), 15_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.proc?.tail()}`);
    });
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What a backend needs to drive browser phones: the test switch, Kamailio as
 * the WebSocket registrar, and a first admin from the bootstrap variables.
 */
export function phoneEnv(o: { switchUrl: string; wssUrl: string; admin: { email: string; password: string; name: string } }): Record<string, string> {
  return {
    FREESWITCH_NODES: o.switchUrl,
    SIP_DOMAIN: '127.0.0.1',
    SIP_WSS_URL: o.wssUrl,
    SIPCALL_BOOTSTRAP_ADMIN_EMAIL: o.admin.email,
    SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: o.admin.password,
    SIPCALL_BOOTSTRAP_ADMIN_NAME: o.admin.name,
    SWITCH_HTTP_PASSWORD: 'switch-http-password-for-e2e',
  };
}

export interface BackendOptions {
  port: number;
  env: Record<string, string>;
}

export class Backend {
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'sipcall-e2e-data-'));
  proc: Proc | null = null;
  constructor(readonly options: BackendOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [path.join(root, 'backend/dist/main.js')], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(this.options.port),
        SIPCALL_DATA_DIR: this.dataDir,
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = new Proc('backend', child);
    await until('the backend to be ready', async () => ((await fetch(`${this.url}/readyz`)).ok ? true : null), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.proc?.tail()}`);
    });
  }

  /** Stops and starts again on the same data (sessions and records survive), with `env` changed. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.proc?.stop();
    Object.assign(this.options.env, env);
    await this.start();
  }

  async api<T>(method: string, route: string, token: string | null, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async dispose(): Promise<void> {
    await this.proc?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

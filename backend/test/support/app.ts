// Builds the real application for HTTP tests: real database (embedded, or
// PostgreSQL when TEST_DATABASE_URL is set), real shared state (Redis when
// TEST_REDIS_URL is set), real argon2id with the cheapest parameters.
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { createServer, type Server } from 'node:http';
import { createApp, createServices, createSwitching, type Services, type Switching } from '../../src/app.js';
import { Lifecycle } from '../../src/health/lifecycle.js';
import { createPasswordHasher, type PasswordHasher } from '../../src/crypto/password.js';
import { loadConfig } from '../../src/config/load.js';
import type { CardDavServer } from '../../src/nextcloud-contacts/carddav.js';
import type { Config } from '../../src/config/settings.js';
import type { Database } from '../../src/db/database.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { LiveSocket } from '../../src/realtime/live-socket.js';
import { MemoryState } from '../../src/state/memory.js';
import { RedisState } from '../../src/state/redis.js';
import type { SharedState } from '../../src/state/state.js';
import { openTestDatabase } from './database.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env.js';
import { silentLogger } from './logger.js';
import type { Logger } from '../../src/logger.js';

/** argon2id at libsodium's minimum cost: same code path, milliseconds instead of 100s of ms. */
export const FAST_ARGON2 = { ops: 1, memBytes: 8192 };

export interface TestApp {
  app: Express;
  config: Config;
  db: Database;
  state: SharedState;
  services: Services;
  passwords: PasswordHasher;
  metrics: Metrics;
  switching: Switching;
  lifecycle: Lifecycle;
  /** Serves the app (and the live WebSocket) on a free loopback port. */
  listen(): Promise<{ url: string; server: Server }>;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, options: { log?: Logger; redisUrl?: string; cardDav?: CardDavServer } = {}): Promise<TestApp> {
  const log = options.log ?? silentLogger;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }, { persistDevelopmentSecrets: false });
  const db = await openTestDatabase(TEST_DATABASE_URL ? 'postgres' : 'embedded');
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const state: SharedState = redisUrl ? new RedisState({ url: redisUrl, prefix: `sipcall-test:${randomBytes(6).toString('hex')}:`, log }) : new MemoryState();
  const passwords = createPasswordHasher(FAST_ARGON2);
  const metrics = createMetrics();
  const switching = createSwitching({ config, state, log, metrics });
  const deps = { config, log, db, state, passwords, metrics, switching, lifecycle: new Lifecycle(), ...(options.cardDav ? { cardDav: options.cardDav } : {}) };
  const services = createServices(deps);
  const app = createApp(deps, services);
  await services.sessions.start();
  switching.switches.start();
  let server: Server | null = null;
  let live: LiveSocket | null = null;
  return {
    app,
    config,
    db,
    state,
    services,
    passwords,
    metrics,
    switching,
    lifecycle: deps.lifecycle,
    async listen() {
      server = createServer(app);
      live = new LiveSocket({
        auth: services.auth,
        sessions: services.sessions,
        tracker: switching.tracker,
        store: switching.store,
        allowedOrigins: config.http.corsOrigins,
        log: silentLogger,
      });
      live.attach(server);
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
    },
    async close() {
      await live?.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await switching.switches.stop();
      await services.sessions.close();
      await passwords.close();
      await state.close();
      await db.close();
    },
  };
}

export const CLI = { actor: { id: null, email: 'test' }, ip: null };

export async function createUser(
  t: TestApp,
  input: { email: string; role?: 'user' | 'admin'; password?: string; displayName?: string },
) {
  return t.services.users.create(
    { email: input.email, role: input.role ?? 'user', password: input.password ?? 'a long enough password', displayName: input.displayName ?? input.email.split('@')[0]! },
    CLI,
  );
}

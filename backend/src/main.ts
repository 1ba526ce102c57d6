// Process entry: config → database (migrations) → shared state → HTTP.
// SIGTERM drains first (readiness says so, new calls are refused with 503 for
// SHUTDOWN_DRAIN_SECONDS), then, as SIGINT does at once, stops accepting, lets
// requests finish, and closes in reverse.
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, createServices, createSwitching } from './app.js';
import { createPasswordHasher } from './crypto/password.js';
import { ConfigError, loadConfig } from './config/load.js';
import type { Config } from './config/settings.js';
import { openDatabase } from './db/database.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics/metrics.js';
import { LiveSocket } from './realtime/live-socket.js';
import { importSpool, spoolFiles } from './cdr/spool.js';
import { AddressBookRefresher } from './nextcloud-contacts/background-sync.js';
import { prepareKeyStore } from './crypto/keys.js';
import { pollSwitchStats } from './switch/switch-stats.js';
import { openSharedState } from './state/index.js';
import { Lifecycle } from './health/lifecycle.js';

const SHUTDOWN_GRACE_MS = 10_000;
/** How often the credit watchdog looks at the calls whose money is held. */
const WATCHDOG_SWEEP_MS = 5_000;

/** The built web app beside this package when SIPCALL_STATIC_DIR does not say otherwise. */
const DEFAULT_STATIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../frontend/dist');

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, { persistDevelopmentSecrets: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sipcall: refusing to start.\n${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  for (const notice of config.notices) log.warn(notice);

  const db = await openDatabase(config.database, { log });
  const applied = await db.migrate();
  log.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema up to date');

  const keyStore = config.keyStoreUrl ? await openKeyStore(config.keyStoreUrl, log) : null;
  const state = openSharedState(config.redis, log);
  const passwords = createPasswordHasher();
  const metrics = createMetrics({ defaults: true });
  const switching = createSwitching({ config, state, log, metrics });
  const deps = {
    config: { ...config, http: { ...config.http, staticDir: config.http.staticDir ?? DEFAULT_STATIC_DIR } },
    log,
    db,
    state,
    passwords,
    metrics,
    switching,
    lifecycle: new Lifecycle(),
    ...(keyStore ? { keyStore: keyStore.dataSource } : {}),
  };
  const services = createServices(deps);

  if (config.bootstrapAdmin) {
    const created = await services.users.bootstrapAdmin(config.bootstrapAdmin, { actor: { id: null, email: 'bootstrap' }, ip: null });
    if (created) log.info({ userId: created.id }, 'created the first admin from SIPCALL_BOOTSTRAP_ADMIN_EMAIL');
  }
  if ((await services.users.count()) === 0) {
    log.warn('no users yet: create the first admin with `npm run sipcall -- admin create --email you@example.com` (server stopped), or set SIPCALL_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD');
  }

  const app = createApp(deps, services);
  await services.sessions.start();
  switching.switches.start();
  const stopPolling = pollSwitchStats(switching.switches, metrics, log, { maxConcurrentCalls: config.routing.globalMaxConcurrent, callsPerSecond: config.routing.globalCallsPerSecond });
  const server = await listen(app, config.http.host, config.http.port);
  const live = new LiveSocket({
    auth: services.auth,
    sessions: services.sessions,
    tracker: switching.tracker,
    store: switching.store,
    allowedOrigins: config.http.corsOrigins,
    log,
  });
  live.attach(server);
  const address = server.address();
  log.info({ address }, `SIPCall listening on http://${config.http.host}:${typeof address === 'object' && address ? address.port : config.http.port}`);

  const sweeper = config.cdrSpool ? startSpoolSweep(config.cdrSpool, services, metrics, log) : null;
  // No call outlives what its caller's credit paid for, whatever the switch lost.
  if (switching.switches.size > 0) services.watchdog.start(WATCHDOG_SWEEP_MS);
  const addressBooks = config.carddav ? new AddressBookRefresher({ contacts: services.nextcloudContacts, everySeconds: config.carddav.syncSeconds, log }) : null;
  addressBooks?.start();

  const pruner = setInterval(() => {
    services.refreshTokens.prune().catch((err: unknown) => log.warn({ err }, 'pruning refresh tokens failed'));
  }, 3_600_000);
  pruner.unref();

  let stopping = false;
  const stop = (signal: string, drainSeconds: number) => {
    if (stopping) return;
    stopping = true;
    deps.lifecycle.startDraining();
    if (drainSeconds > 0) {
      log.info({ signal, drainSeconds }, 'draining: new calls refused, calls under way carry on');
      setTimeout(() => close(signal), drainSeconds * 1000);
    } else {
      close(signal);
    }
  };
  const close = (signal: string) => {
    log.info({ signal }, 'shutting down');
    clearInterval(pruner);
    stopPolling();
    if (sweeper) clearInterval(sweeper);
    services.watchdog.stop();
    const force = setTimeout(() => {
      log.warn('requests still open after the grace period; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    void live.close();
    server.close(() => {
      void shutdownResources(log, [
        // Only our link goes: calls on the switches carry on without us.
        ['switch links', () => switching.switches.stop()],
        ['address-book refresh', async () => addressBooks?.stop()],
        // Records already received are committed before the database goes.
        ['call records', () => services.cdrIngest.drain()],
        ['call-record workers', () => services.cdrExtractor.close()],
        ['mail on its way', () => services.passwords.settle()],
        ['session announcements', () => services.sessions.close()],
        ['shared state', () => state.close()],
        ['password hasher', () => passwords.close()],
        ['database', () => db.close()],
        ...(keyStore ? ([['key store', () => keyStore.close()]] as Array<[string, () => Promise<void>]>) : []),
      ]).then((ok) => process.exit(ok ? 0 : 1));
    });
    server.closeIdleConnections();
  };
  // An orchestrator's stop drains; Ctrl-C at a terminal does not wait.
  process.on('SIGTERM', () => stop('SIGTERM', config.http.drainSeconds));
  process.on('SIGINT', () => stop('SIGINT', 0));
}

/** Takes in what FreeSWITCH spooled, every few seconds: the switch never resends it. */
function startSpoolSweep(spool: NonNullable<Config['cdrSpool']>, services: ReturnType<typeof createServices>, metrics: ReturnType<typeof createMetrics>, log: Logger): NodeJS.Timeout {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const report = await importSpool(spool.dir, services.cdrs, { archiveDir: spool.archiveDir });
      if (report.files > 0) log.info({ ...report, rejected: report.rejected.length, failed: report.failed.length }, 'call-record spool swept');
      for (const r of report.rejected) log.warn({ file: r.file, reason: r.reason }, 'spooled call record rejected; left in place');
      metrics.cdrSpoolFiles.set((await spoolFiles(spool.dir)).length);
    } catch (err) {
      log.warn({ err, dir: spool.dir }, 'sweeping the call-record spool failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), spool.sweepSeconds * 1000);
  timer.unref();
  void sweep();
  return timer;
}

async function openKeyStore(url: string, log: Logger) {
  const store = await openDatabase({ kind: 'postgres', url }, { log, poolSize: 2, progress: (message, fields) => log.info({ ...fields, database: 'keystore' }, `key store: ${message}`) });
  await prepareKeyStore(store.dataSource);
  log.info('data keys in their own database (KEYSTORE_URL)');
  return store;
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 30_000;
  });
}

async function shutdownResources(log: Logger, steps: Array<[string, () => Promise<void>]>): Promise<boolean> {
  let ok = true;
  for (const [name, close] of steps) {
    try {
      await close();
    } catch (err) {
      ok = false;
      log.error({ err, resource: name }, 'closing failed');
    }
  }
  log.info('stopped');
  return ok;
}

main().catch((err: unknown) => {
  process.stderr.write(`sipcall: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

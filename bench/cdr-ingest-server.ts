// Child of bench:cdr-ingest: the real application on a fresh PostgreSQL
// database, and beside it a bare Express endpoint that parses the same JSON
// body and answers 200. Prints both ports and the database URL.
import { randomBytes } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { createApp, createServices, createSwitching } from '../backend/src/app.js';
import { Lifecycle } from '../backend/src/health/lifecycle.js';
import { createPasswordHasher } from '../backend/src/crypto/password.js';
import { loadConfig } from '../backend/src/config/load.js';
import { openDatabase } from '../backend/src/db/database.js';
import { createLogger } from '../backend/src/logger.js';
import { createMetrics } from '../backend/src/metrics/metrics.js';
import { MemoryState } from '../backend/src/state/memory.js';

const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `sipcall_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${name}`;

const log = createLogger('silent');
const config = loadConfig(
  { NODE_ENV: 'test', DATABASE_URL: url.toString(), SWITCH_HTTP_PASSWORD: 'bench-switch-password', DEFAULT_COUNTRY: 'US', ...(process.env['CDR_WORKERS'] ? { CDR_WORKERS: process.env['CDR_WORKERS'] } : {}) },
  { persistDevelopmentSecrets: false },
);
const db = await openDatabase({ kind: 'postgres', url: url.toString() }, { log, poolSize: 8 });
await db.migrate();
const state = new MemoryState();
const metrics = createMetrics();
const switching = createSwitching({ config, state, log, metrics });
const deps = { config, log, db, state, passwords: createPasswordHasher(), metrics, switching, lifecycle: new Lifecycle() };
const app = createApp(deps, createServices(deps));

const bare = express();
bare.post('/freeswitch/cdr', express.json({ limit: '1mb' }), (_req, res) => {
  res.status(200).type('text/plain').send('OK');
});

const listen = (a: express.Express) =>
  new Promise<number>((resolve) => {
    const s = a.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });
process.stdout.write(`${JSON.stringify({ app: await listen(app), bare: await listen(bare), database: url.toString(), name })}\n`);
process.on('SIGTERM', () => {
  void db.close().then(() => process.exit(0));
});

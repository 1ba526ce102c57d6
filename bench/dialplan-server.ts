// Child of bench:dialplan: the real application (embedded database, process
// state) with 1,000 seeded users billed to no account and 1,000 prepaid ones
// (each with credit for many calls), a 50,000-row sell deck, and beside it a
// bare Express endpoint that parses the same form and answers a fixed
// document. Prints both ports.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { createApp, createServices, createSwitching } from '../backend/src/app.js';
import { Lifecycle } from '../backend/src/health/lifecycle.js';
import { createPasswordHasher } from '../backend/src/crypto/password.js';
import { loadConfig } from '../backend/src/config/load.js';
import { openDatabase } from '../backend/src/db/database.js';
import { createLogger } from '../backend/src/logger.js';
import { createMetrics } from '../backend/src/metrics/metrics.js';
import { NOT_FOUND } from '../backend/src/switch-http/documents.js';
import { MemoryState } from '../backend/src/state/memory.js';

const USERS = Number(process.env['BENCH_USERS'] ?? 1_000);
const log = createLogger('silent');
const dataDir = mkdtempSync(path.join(tmpdir(), 'sipcall-bench-'));
const config = loadConfig(
  {
    NODE_ENV: 'test',
    SIPCALL_DATA_DIR: dataDir,
    SWITCH_HTTP_PASSWORD: 'bench-switch-password',
    ALLOWED_DESTINATIONS: 'DE,US',
    USER_MAX_CONCURRENT_CALLS: '100',
    GLOBAL_MAX_CONCURRENT_CALLS: '100000',
    USER_CALLS_PER_SECOND: '100',
    GLOBAL_CALLS_PER_SECOND: '10000',
  },
  { persistDevelopmentSecrets: false },
);
const db = await openDatabase({ kind: 'embedded', dataDir: path.join(dataDir, 'pglite') }, { log });
await db.migrate();
// Accounts straight into the table: the bench measures routing, not password hashing.
await db.dataSource.query(
  `INSERT INTO users (id, email, display_name, role, password_hash)
   SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'u' || g || '@bench.example', 'User ' || g, 'user', 'x'
   FROM generate_series(1, ${USERS * 2}) g`,
);
const state = new MemoryState();
const metrics = createMetrics();
const switching = createSwitching({ config, state, log, metrics });
const passwords = createPasswordHasher();
const deps = { config, log, db, state, passwords, metrics, switching, lifecycle: new Lifecycle() };
const services = createServices(deps);
const app = createApp(deps, services);

// A sell deck as big as a carrier's world deck, and the second thousand users prepaid.
const BENCH = { actor: { id: null, email: 'bench' }, ip: null };
const prefixes = new Set<string>(['49', '4930', '4915', '1']);
for (let i = 0; prefixes.size < 50_000; i++) prefixes.add(String(100_000 + ((i * 7919) % 900_000)));
const deck = ['prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency', ...[...prefixes].map((p, i) => `${p},Range ${i},0.02,0,60/60,0,EUR`)].join('\n');
await services.rates.import({ name: 'sell', csv: deck, effectiveFrom: '2026-01-01' }, BENCH);
for (let u = USERS + 1; u <= USERS * 2; u++) {
  const account = await services.ledger.setTerms(`00000000-0000-4000-8000-${String(u).padStart(12, '0')}`, { mode: 'prepaid', dailyLimit: null, monthlyLimit: null }, BENCH);
  await services.ledger.credit({ accountId: account.id, kind: 'top_up', amount: 10_000_000_000, reason: 'bench', requestId: randomUUID() }, BENCH);
}

const bare = express();
bare.post('/freeswitch/xml', express.urlencoded({ extended: false, limit: '64kb' }), (_req, res) => {
  res.status(200).type('text/xml').send(NOT_FOUND);
});

const listen = (a: express.Express) => new Promise<number>((resolve) => {
  const s = a.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
});
process.stdout.write(`${JSON.stringify({ app: await listen(app), bare: await listen(bare), users: USERS })}\n`);
// A clean exit on SIGTERM, so a profiler attached with --cpu-prof writes its file.
process.on('SIGTERM', () => process.exit(0));

// bench:cdr-ingest — how fast call records are stored, exactly once. Twenty
// keep-alive connections post realistic records (the real captured A- and
// B-leg posts of a bridged call, each with new UUIDs) to the endpoint on a
// fresh PostgreSQL database, then to a bare Express JSON endpoint in the same
// run. Afterwards the rows are counted: every 200 must be a row, no row twice.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { httpCapture } from '../backend/test/support/fixtures.js';
import { maxRate, type Target } from './load.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = 20;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

const child = spawn(process.execPath, [...process.execArgv, ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['BENCH_PROFILE']] : []), fileURLToPath(new URL('./cdr-ingest-server.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const server = await new Promise<{ app: number; bare: number; database: string; name: string }>((resolve, reject) => {
  child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { app: number; bare: number; database: string; name: string }));
  child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
});

// The two legs of the captured call; every occurrence of their UUIDs is replaced per request.
const A = '6e957363-cd81-4598-a9f1-b880e9399fb9';
const B = 'f269d731-a67c-4fa6-877a-c42455552f16';
const legs = ['json-cdr-bridged-sched-hangup-aleg.http', 'json-cdr-bridged-sched-hangup-bleg.http'].map((f) => httpCapture(f).body.toString('latin1').split(A).map((part) => part.split(B)));

function record(n: number): string {
  // Each pair of requests is one call: its A leg, then its B leg.
  const call = Math.floor(n / 2);
  const a = ids(call, 'a');
  const b = ids(call, 'b');
  return legs[n % 2]!.map((parts) => parts.join(b)).join(a);
}
const idCache = new Map<string, string>();
function ids(call: number, leg: string): string {
  const key = `${call}${leg}`;
  let id = idCache.get(key);
  if (!id) {
    if (idCache.size > 100_000) idCache.clear();
    id = randomUUID();
    idCache.set(key, id);
  }
  return id;
}

let accepted = 0;
const target = (port: number, count: boolean): Target => ({
  port,
  path: '/freeswitch/cdr',
  headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('freeswitch:bench-switch-password').toString('base64')}` },
  body: (n) => record(n + (count ? 0 : 10_000_000)),
  check: (status) => {
    if (status === 200 && count) accepted++;
    return status === 200;
  },
});

try {
  progress(`ours: ${CONNECTIONS} posters for ${SECONDS} s…`);
  const ours = await maxRate(target(server.app, true), CONNECTIONS, SECONDS);
  progress(`  ${ours.rps} CDR/s, errors ${ours.errors}, p99 ${ours.p99} ms`);
  progress(`bare Express JSON endpoint: ${CONNECTIONS} posters for ${SECONDS} s…`);
  // BENCH_ONLY=ours skips the baseline (for profiling the server).
  const bare = process.env['BENCH_ONLY'] === 'ours' ? { rps: NaN, p99: NaN } : await maxRate(target(server.bare, false), CONNECTIONS, SECONDS);
  progress(`  ${bare.rps} req/s, p99 ${bare.p99} ms`);
  progress(`ours/bare: ${((100 * ours.rps) / bare.rps).toFixed(0)}%`);

  const client = new pg.Client({ connectionString: server.database });
  await client.connect();
  const { rows } = await client.query<{ n: number; distinct: number }>(`SELECT count(*)::int AS n, count(DISTINCT (call_uuid, leg))::int AS distinct FROM cdrs`);
  await client.end();
  const stored = rows[0]!.n;
  progress(`sent ${ours.sent}, answered 200: ${accepted}, rows: ${stored}, lost: ${accepted - stored}`);
  if (stored !== accepted) throw new Error(`${accepted} records were acknowledged but ${stored} rows exist`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'cdr-ingest', cdr_per_s: ours.rps, bare_per_s: bare.rps, sent: ours.sent, stored, duplicated: stored - rows[0]!.distinct })}\n`,
  );
} finally {
  child.kill();
  await new Promise((r) => child.once('exit', r));
  const admin = new pg.Client({ connectionString: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${server.name} WITH (FORCE)`);
  await admin.end();
}

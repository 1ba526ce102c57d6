// bench:analytics — the admin analytics queries on 1,000,000 call records.
// Seeds a fresh PostgreSQL database (BENCH_DATABASE_URL, default the local
// server) with a month of calls from 500 users, then runs each query of the
// analytics report over the last 7 days 20 times (after one warm-up run),
// each run beside a plain count(*) of the rows that query reads, so the
// query's cost can be read against what the database needs just to find its
// rows on this machine today. The last line is one JSON object with each
// query's p95 and its count's p95.
import { ANALYTICS_SQL, CallAnalytics } from '../backend/src/history/analytics.js';
import { freshDatabase } from './fresh-database.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const RUNS = 20;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

/** For each query, a plain count over the rows it reads: the same first legs, range and filters. */
const FIRST_LEGS = `FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2`;
const SCAN_SQL: Record<keyof typeof ANALYTICS_SQL, string> = {
  volume: `SELECT count(*) ${FIRST_LEGS}`,
  hangupCauses: `SELECT count(*) ${FIRST_LEGS}`,
  topCountries: `SELECT count(*) ${FIRST_LEGS} AND country IS NOT NULL`,
  minutesByUserDay: `SELECT count(*) ${FIRST_LEGS} AND user_id IS NOT NULL`,
  // The sweep reads its calls twice, once by start and once by end; so does its count, over the whole range at once.
  concurrentPeak: `SELECT (SELECT count(*) FROM cdrs WHERE leg = 'a' AND started_at >= $1::timestamptz - interval '1 day' AND started_at < $2 AND ended_at >= $1)
                        + (SELECT count(*) FROM cdrs WHERE leg = 'a' AND ended_at >= $1 AND ended_at < $2::timestamptz + interval '1 day' AND started_at < $2)`,
};

const { db, drop } = await freshDatabase(progress);

try {
  const end = Date.UTC(2026, 10, 20);
  const chunk = 100_000;
  for (let done = 0; done < ROWS; done += chunk) {
    // A month of calls: 80% first legs, 60% of them answered, 20 countries, the usual causes.
    await db.dataSource.query(
      `INSERT INTO cdrs (call_uuid, leg, origin_uuid, user_id, direction, node, started_at, answered_at, ended_at, duration_s, billsec, hangup_cause, country, raw_enc)
       SELECT u, CASE WHEN g % 5 = 0 THEN 'b' ELSE 'a' END, u,
              ('00000000-0000-4000-8000-' || lpad((g % 500)::text, 12, '0'))::uuid,
              CASE WHEN g % 7 = 0 THEN 'inbound' ELSE 'outbound' END, 'fs' || (g % 3),
              s, CASE WHEN g % 5 < 3 THEN s + interval '5 seconds' END, s + (d || ' seconds')::interval, d,
              CASE WHEN g % 5 < 3 THEN greatest(d - 5, 0) ELSE 0 END,
              (ARRAY['NORMAL_CLEARING','NORMAL_CLEARING','NORMAL_CLEARING','USER_BUSY','NO_ANSWER','CALL_REJECTED','ORIGINATOR_CANCEL'])[1 + g % 7],
              (ARRAY['DE','US','GB','FR','AT','CH','NL','BE','IT','ES','PL','SE','DK','NO','FI','IE','PT','CZ','HU','RO'])[1 + g % 20],
              'v1.bench.x'
         FROM (SELECT g, gen_random_uuid() AS u,
                      to_timestamp(${end / 1000} - (g::bigint * 2592000 / ${ROWS})) AS s,
                      ((g::bigint * 7919) % 600 + 1)::int AS d
                 FROM generate_series($1::int, $2::int) g) x`,
      [done + 1, Math.min(done + chunk, ROWS)],
    );
    progress(`seeded ${Math.min(done + chunk, ROWS).toLocaleString('en')} / ${ROWS.toLocaleString('en')}`);
  }
  await db.dataSource.query('ANALYZE cdrs');

  const to = new Date(end);
  const from = new Date(end - 7 * 86_400_000);
  const p95: Record<string, number> = {};
  const scanP95: Record<string, number> = {};
  const analytics = new CallAnalytics(db.dataSource);
  const timed = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const stats = (times: number[]) => {
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length / 2)]!, p95: Math.round(times[Math.ceil(0.95 * times.length) - 1]! * 10) / 10 };
  };
  for (const [query, sql] of Object.entries(ANALYTICS_SQL) as Array<[keyof typeof ANALYTICS_SQL, string]>) {
    const params = query === 'volume' ? [from, to, 'hour'] : [from, to];
    // The concurrency sweep runs as the report runs it: day slices side by side.
    const once = query === 'concurrentPeak' ? () => analytics.concurrentPeaks(from, to) : () => db.dataSource.query(sql, params);
    const scan = () => db.dataSource.query(SCAN_SQL[query], [from, to]);
    await once(); // warm
    await scan();
    // Alternated, so a burst of other load on the machine hits both alike.
    const times: number[] = [];
    const scanTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      times.push(await timed(once));
      scanTimes.push(await timed(scan));
    }
    const q = stats(times);
    const c = stats(scanTimes);
    p95[query] = q.p95;
    scanP95[query] = c.p95;
    progress(`${query.padEnd(18)} p50 ${q.p50.toFixed(1)} ms, p95 ${q.p95} ms   count(*) p50 ${c.p50.toFixed(1)} ms, p95 ${c.p95} ms   (${(q.p95 / c.p95).toFixed(1)}x)`);
  }
  process.stdout.write(`${JSON.stringify({ bench: 'analytics', rows: ROWS, p95_ms: p95, scan_p95_ms: scanP95 })}\n`);
} finally {
  await drop();
}

// bench:rating — pricing stored call records again, as `sipcall rates rerate`
// does after a deck is fixed: 1,000,000 first legs of calls to the trunk
// (their numbers sealed with their owners' keys, as the ingest stores them)
// under a 50,000-row sell deck and a carrier deck, each record opened,
// priced on both sides and its charge written. Beside it, in the same run,
// a plain SELECT reading the same rows in the same pages: what the database
// needs just to hand them over on this machine today. Seeds a fresh
// PostgreSQL database (BENCH_DATABASE_URL, default the local server). The
// last line is one JSON object.
import { randomBytes } from 'node:crypto';
import { AuditService } from '../backend/src/audit/audit.service.js';
import { ChargeRepository } from '../backend/src/billing/charge-repository.js';
import { DeckRepository } from '../backend/src/billing/deck-repository.js';
import { RateService } from '../backend/src/billing/rates.js';
import { rerate } from '../backend/src/billing/rerate.js';
import { cdrField } from '../backend/src/cdr/cdr-ingest.js';
import { KeyRing, ownerOfUser } from '../backend/src/crypto/keys.js';
import { SqlCallRecords } from '../backend/src/history/call-records.js';
import { freshDatabase } from './fresh-database.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const DECK_ROWS = 50_000;
const USERS = 500;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);
const CLI = { actor: { id: null, email: 'bench' }, ip: null };

const { db, drop } = await freshDatabase(progress);

try {
  const keys = new KeyRing(db.dataSource, randomBytes(32), []);
  const charges = new ChargeRepository(db.dataSource);
  const rates = new RateService({ decks: new DeckRepository(db.dataSource), charges, audit: new AuditService(db.dataSource), currency: 'EUR', gateway: 'trunk' });

  // A deck as big as a carrier's world deck: every country code, then German and other ranges down to six digits.
  const header = 'prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency';
  const prefixes = new Set<string>(['49', '4930', '4915', '4917', '33', '43', '1']);
  for (let i = 0; prefixes.size < DECK_ROWS; i++) prefixes.add(String(100_000 + ((i * 7919) % 900_000)));
  const row = (p: string, i: number) => `${p},Range ${i},0.0${(i % 9) + 1},0,${i % 3 === 0 ? '60/60' : i % 3 === 1 ? '1/1' : '30/6'},0,EUR`;
  await rates.import({ name: 'sell', csv: [header, ...[...prefixes].map(row)].join('\n'), effectiveFrom: '2026-01-01' }, CLI);
  await rates.import({ name: 'trunk', csv: [header, '49,Germany,0.004,0,1/1,0,EUR', '4915,Germany mobile,0.03,0,1/1,0,EUR', '33,France,0.005,0,1/1,0,EUR', '1,NANP,0.002,0,6/6,0,EUR'].join('\n'), effectiveFrom: '2026-01-01' }, CLI);
  progress(`decks imported: ${prefixes.size} sell rows`);

  // A month of trunk calls from 500 users to numbers across the deck, numbers sealed per record.
  const end = Date.UTC(2026, 10, 20);
  const chunk = 10_000;
  const users = Array.from({ length: USERS }, (_, u) => `00000000-0000-4000-8000-${String(u).padStart(12, '0')}`);
  for (let done = 0; done < ROWS; done += chunk) {
    const n = Math.min(chunk, ROWS - done);
    const batch = await Promise.all(
      Array.from({ length: n }, async (_, j) => {
        const g = done + j;
        const callUuid = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-4${randomBytes(2).toString('hex').slice(1)}-8${randomBytes(2).toString('hex').slice(1)}-${randomBytes(6).toString('hex')}`;
        const user = users[g % USERS]!;
        const number = g % 4 === 0 ? `+4930${String(1_000_000 + g).slice(-7)}` : g % 4 === 1 ? `+4915${String(10_000_000 + g).slice(-8)}` : `+${[...prefixes][g % prefixes.size]}${String(g).padStart(6, '0').slice(-6)}`;
        const startedAt = new Date(end - (g % (30 * 86_400)) * 1000);
        const billsec = g % 10 < 4 ? 0 : (g % 900) + 1;
        return { callUuid, user, startedAt, billsec, sealed: await keys.seal(ownerOfUser(user), number, cdrField(callUuid, 'a', 'destination_enc')) };
      }),
    );
    await db.dataSource.query(
      `INSERT INTO cdrs (call_uuid, leg, origin_uuid, user_id, direction, node, started_at, answered_at, ended_at, duration_s, billsec, hangup_cause, decision, reason, country, destination_enc, raw_enc)
       SELECT c, 'a', c, u, 'outbound', 'fs1', s, CASE WHEN b > 0 THEN s + interval '2 seconds' END, s + make_interval(secs => b + 2), b + 2, b, 'NORMAL_CLEARING', 'allow', 'allowed', 'DE', d, 'x'
         FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int[], $5::text[]) AS t(c, u, s, b, d)`,
      [batch.map((r) => r.callUuid), batch.map((r) => r.user), batch.map((r) => r.startedAt), batch.map((r) => r.billsec), batch.map((r) => r.sealed)],
    );
    if ((done / chunk) % 10 === 0 || done + n >= ROWS) progress(`seeded ${done + n}/${ROWS}`);
  }
  await db.dataSource.query('ANALYZE');

  const records = new SqlCallRecords(db.dataSource);
  const range = { from: new Date(end - 31 * 86_400_000), to: new Date(end + 86_400_000) };
  // The baseline: the same rows in the same keyset pages, read and dropped.
  let started = performance.now();
  let read = 0;
  for (let after: { startedAt: Date; id: string } | null = null; ; ) {
    const rows = await records.trunkCalls(range.from, range.to, after, 2_000);
    if (rows.length === 0) break;
    read += rows.length;
    const last = rows[rows.length - 1]!;
    after = { startedAt: last.started_at, id: last.id };
  }
  const selectSeconds = (performance.now() - started) / 1000;
  progress(`plain SELECT: ${read} rows in ${selectSeconds.toFixed(1)} s`);

  started = performance.now();
  let lastDecile = -1;
  const report = await rerate({ records, keys, rates, charges }, range, ({ done, total }) => {
    const decile = Math.floor((done / Math.max(1, total)) * 10);
    if (decile !== lastDecile) progress(`rating: ${done}/${total}`);
    lastDecile = decile;
  });
  const rateSeconds = (performance.now() - started) / 1000;
  progress(`rated ${report.calls} (${report.changed} charges written, ${report.unpriced} unpriced) in ${rateSeconds.toFixed(1)} s`);
  // Again: nothing changed, nothing is written.
  started = performance.now();
  const again = await rerate({ records, keys, rates, charges }, range);
  const againSeconds = (performance.now() - started) / 1000;
  progress(`again: ${again.changed} changed in ${againSeconds.toFixed(1)} s`);

  process.stdout.write(
    `${JSON.stringify({
      bench: 'rating',
      records: report.calls,
      records_per_s: Math.round(report.calls / rateSeconds),
      select_records_per_s: Math.round(read / selectSeconds),
      again_records_per_s: Math.round(again.calls / againSeconds),
      again_changed: again.changed,
    })}\n`,
  );
} finally {
  await drop();
}

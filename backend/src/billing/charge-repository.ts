// Call charges: one row per call that went to the trunk, by its first leg's
// uuid. Written once when the record arrives (a retry or replay writes
// nothing) and restated only by a re-rating; read beside the history and
// summed for analytics.
import type { DataSource } from 'typeorm';

export interface Charge {
  callUuid: string;
  userId: string | null;
  country: string | null;
  startedAt: Date;
  currency: string;
  /** By the sell row's increments; null with no sell rate. */
  billedS: number | null;
  /** Micros; null when no deck priced that side. */
  sell: number | null;
  sellDeckId: string | null;
  sellPrefix: string | null;
  carrier: number | null;
  carrierDeckId: string | null;
  carrierPrefix: string | null;
}

interface ChargeRecord {
  call_uuid: string;
  user_id: string | null;
  country: string | null;
  started_at: Date;
  currency: string;
  billed_s: number | null;
  sell_micros: string | null;
  sell_deck_id: string | null;
  sell_prefix: string | null;
  carrier_micros: string | null;
  carrier_deck_id: string | null;
  carrier_prefix: string | null;
}

/** Sums over a period, in micros (numeric sums come back as text: exact). */
export interface SpendRows {
  totals: { calls: number; sell: bigint; carrier: bigint; margin: bigint; unpriced: number };
  byUser: Array<{ userId: string | null; calls: number; sell: bigint; carrier: bigint }>;
  byCountry: Array<{ country: string | null; calls: number; sell: bigint; carrier: bigint }>;
  byDay: Array<{ day: string; calls: number; sell: bigint; carrier: bigint }>;
}

const COLUMNS = 'call_uuid, user_id, country, started_at, currency, billed_s, sell_micros, sell_deck_id, sell_prefix, carrier_micros, carrier_deck_id, carrier_prefix';
const orNull = (v: string | null) => (v === null ? null : Number(v));

const toCharge = (r: ChargeRecord): Charge => ({
  callUuid: r.call_uuid,
  userId: r.user_id,
  country: r.country,
  startedAt: r.started_at,
  currency: r.currency,
  billedS: r.billed_s,
  sell: orNull(r.sell_micros),
  sellDeckId: r.sell_deck_id,
  sellPrefix: r.sell_prefix,
  carrier: orNull(r.carrier_micros),
  carrierDeckId: r.carrier_deck_id,
  carrierPrefix: r.carrier_prefix,
});

/** The columns of many charges as arrays, for one `unnest` statement. */
function columns(charges: readonly Charge[]): unknown[] {
  return [
    charges.map((c) => c.callUuid),
    charges.map((c) => c.userId),
    charges.map((c) => c.country),
    charges.map((c) => c.startedAt),
    charges.map((c) => c.currency),
    charges.map((c) => c.billedS),
    charges.map((c) => c.sell),
    charges.map((c) => c.sellDeckId),
    charges.map((c) => c.sellPrefix),
    charges.map((c) => c.carrier),
    charges.map((c) => c.carrierDeckId),
    charges.map((c) => c.carrierPrefix),
  ];
}
const UNNEST = `unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::bigint[], $8::uuid[], $9::text[], $10::bigint[], $11::uuid[], $12::text[])`;

export class ChargeRepository {
  constructor(private readonly db: Pick<DataSource, 'query'>) {}

  /** Whether this charge is new: a call already charged keeps its first charge. */
  async record(charge: Charge): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`INSERT INTO call_charges (${COLUMNS}) SELECT * FROM ${UNNEST} ON CONFLICT (call_uuid) DO NOTHING RETURNING call_uuid`, columns([charge]));
    return rows.length === 1;
  }

  /** Charges as rated again: new ones stored, changed ones overwritten. How many were new or different. */
  async restate(charges: readonly Charge[]): Promise<number> {
    if (charges.length === 0) return 0;
    const rows = await this.db.query<unknown[]>(
      `INSERT INTO call_charges AS c (${COLUMNS}) SELECT * FROM ${UNNEST}
       ON CONFLICT (call_uuid) DO UPDATE SET user_id = EXCLUDED.user_id, country = EXCLUDED.country, currency = EXCLUDED.currency, billed_s = EXCLUDED.billed_s,
         sell_micros = EXCLUDED.sell_micros, sell_deck_id = EXCLUDED.sell_deck_id, sell_prefix = EXCLUDED.sell_prefix,
         carrier_micros = EXCLUDED.carrier_micros, carrier_deck_id = EXCLUDED.carrier_deck_id, carrier_prefix = EXCLUDED.carrier_prefix, rated_at = now()
       WHERE (c.billed_s, c.sell_micros, c.sell_deck_id, c.sell_prefix, c.carrier_micros, c.carrier_deck_id, c.carrier_prefix, c.currency)
         IS DISTINCT FROM (EXCLUDED.billed_s, EXCLUDED.sell_micros, EXCLUDED.sell_deck_id, EXCLUDED.sell_prefix, EXCLUDED.carrier_micros, EXCLUDED.carrier_deck_id, EXCLUDED.carrier_prefix, EXCLUDED.currency)
       RETURNING call_uuid`,
      columns(charges),
    );
    return rows.length;
  }

  async forCalls(callUuids: readonly string[]): Promise<Map<string, Charge>> {
    if (callUuids.length === 0) return new Map();
    const rows = await this.db.query<ChargeRecord[]>(`SELECT ${COLUMNS} FROM call_charges WHERE call_uuid = ANY($1::uuid[])`, [callUuids]);
    return new Map(rows.map((r) => [r.call_uuid, toCharge(r)]));
  }

  /** The sell prefix a user's priced calls of the last 30 days went to most, or null. */
  async mostCalledPrefix(userId: string, since: Date): Promise<string | null> {
    const rows = await this.db.query<Array<{ prefix: string }>>(
      `SELECT sell_prefix AS prefix FROM call_charges WHERE user_id = $1 AND started_at >= $2 AND sell_prefix IS NOT NULL GROUP BY sell_prefix ORDER BY count(*) DESC, sell_prefix LIMIT 1`,
      [userId, since],
    );
    return rows[0]?.prefix ?? null;
  }

  /** An erased user's charges stay, for the books, with nobody's name on them. */
  async unlinkUser(userId: string): Promise<number> {
    const r = await this.db.query<[unknown[], number]>(`UPDATE call_charges SET user_id = NULL WHERE user_id = $1`, [userId]);
    return r[1];
  }

  /** Sums of the charges in one currency (a deployment that changed BILLING_CURRENCY keeps the old ones apart). */
  async spend(from: Date, to: Date, currency: string): Promise<SpendRows> {
    const range = [from, to, currency];
    const where = `started_at >= $1 AND started_at < $2 AND currency = $3`;
    const sums = `count(*)::int AS calls, coalesce(sum(sell_micros), 0)::text AS sell, coalesce(sum(carrier_micros), 0)::text AS carrier`;
    type Sums = { calls: number; sell: string; carrier: string };
    const [totals, byUser, byCountry, byDay] = await Promise.all([
      this.db.query<Array<Sums & { margin: string; unpriced: number }>>(
        `SELECT ${sums}, coalesce(sum(sell_micros - carrier_micros), 0)::text AS margin, count(*) FILTER (WHERE sell_micros IS NULL)::int AS unpriced FROM call_charges WHERE ${where}`,
        range,
      ),
      this.db.query<Array<Sums & { user_id: string | null }>>(`SELECT user_id, ${sums} FROM call_charges WHERE ${where} GROUP BY user_id ORDER BY sum(sell_micros) DESC NULLS LAST, user_id`, range),
      this.db.query<Array<Sums & { country: string | null }>>(`SELECT country, ${sums} FROM call_charges WHERE ${where} GROUP BY country ORDER BY sum(sell_micros) DESC NULLS LAST, country`, range),
      this.db.query<Array<Sums & { day: string }>>(
        `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, ${sums} FROM call_charges WHERE ${where} GROUP BY 1 ORDER BY 1`,
        range,
      ),
    ]);
    const sumsOf = (r: Sums) => ({ calls: r.calls, sell: BigInt(r.sell), carrier: BigInt(r.carrier) });
    const t = totals[0] ?? { calls: 0, sell: '0', carrier: '0', margin: '0', unpriced: 0 };
    return {
      totals: { ...sumsOf(t), margin: BigInt(t.margin), unpriced: t.unpriced },
      byUser: byUser.map((r) => ({ userId: r.user_id, ...sumsOf(r) })),
      byCountry: byCountry.map((r) => ({ country: r.country, ...sumsOf(r) })),
      byDay: byDay.map((r) => ({ day: r.day, ...sumsOf(r) })),
    };
  }
}

// Figures for admins, straight from the records with SQL aggregates over the
// first legs of calls in a time range: volume and success (ASR, ACD), hangup
// causes, destination countries, minutes per user and day, and the peak of
// concurrent calls per hour — volume and peaks with every bucket of the range,
// zeros included, so a chart's time axis has no gaps. No personal field is read.
import type { Analytics, Spend } from '@sipcall/contract';
import type { DataSource } from 'typeorm';

export interface AnalyticsQuery {
  from: Date;
  to: Date;
  granularity: 'hour' | 'day';
}

/** The report GET /api/analytics answers. */
export type { Analytics };

/** The queries, by name: the benchmark times each one. */
export const ANALYTICS_SQL = {
  // Every bucket of the range, those without calls as zeros, cut as the database cuts them (its time zone).
  volume: `WITH buckets AS (
             SELECT generate_series(date_trunc($3::text, $1::timestamptz), $2::timestamptz - interval '1 microsecond', ('1 ' || $3::text)::interval) AS bucket
           ), v AS (
             SELECT date_trunc($3::text, started_at) AS bucket, count(*)::int AS calls, count(answered_at)::int AS answered,
                    coalesce(sum(billsec) FILTER (WHERE answered_at IS NOT NULL), 0)::bigint AS billsec
               FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 GROUP BY 1
           )
           SELECT bucket, coalesce(v.calls, 0)::int AS calls, coalesce(v.answered, 0)::int AS answered, coalesce(v.billsec, 0)::bigint AS billsec
             FROM buckets LEFT JOIN v USING (bucket) ORDER BY 1`,
  hangupCauses: `SELECT hangup_cause AS cause, count(*)::int AS calls, count(answered_at)::int AS answered
                   FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 GROUP BY 1 ORDER BY 2 DESC, 1`,
  topCountries: `SELECT country, count(*)::int AS calls, coalesce(sum(billsec), 0)::bigint AS billsec
                   FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 AND country IS NOT NULL
                  GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
  minutesByUserDay: `SELECT user_id, date_trunc('day', started_at) AS day, count(*)::int AS calls, coalesce(sum(billsec), 0)::bigint AS billsec
                       FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 AND user_id IS NOT NULL
                      GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT 1000`,
  // A running sum over call starts (+1) and ends (-1) of the calls alive in [$1, $2), read in
  // time order from two indexes and merged without a sort; the peak of an hour is the highest
  // sum at a start in it. Starts before $1 (calls still up then) land in the first hour, so a
  // call that began before the range counts from its start. No call lasts more than a day.
  concurrentPeak: `WITH ev AS (
                     (SELECT started_at AS t, 1 AS d FROM cdrs
                       WHERE leg = 'a' AND started_at >= $1::timestamptz - interval '1 day' AND started_at < $2 AND ended_at >= $1
                       ORDER BY started_at)
                     UNION ALL
                     (SELECT ended_at AS t, -1 AS d FROM cdrs
                       WHERE leg = 'a' AND ended_at >= $1 AND ended_at < $2::timestamptz + interval '1 day' AND started_at < $2
                       ORDER BY ended_at)
                   ), live AS (
                     SELECT t, d, sum(d) OVER (ORDER BY t ROWS UNBOUNDED PRECEDING) AS n FROM ev
                   )
                   SELECT date_trunc('hour', greatest(t, $1)) AS hour, max(n)::int AS peak FROM live
                    WHERE d = 1 AND t < $2 GROUP BY 1 ORDER BY 1`,
} as const;

/** The hours of a range, as the peak query cuts them. */
const HOURS_SQL = `SELECT generate_series(date_trunc('hour', $1::timestamptz), $2::timestamptz - interval '1 microsecond', interval '1 hour') AS hour`;

const SLICE_MS = 86_400_000;
const PARALLEL_SLICES = 4;
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
const minutes = (billsec: number | string) => Math.round((Number(billsec) / 60) * 100) / 100;
const iso = (d: Date | string) => new Date(d).toISOString();

export class CallAnalytics {
  constructor(
    private readonly dataSource: DataSource,
    /** What the calls cost, from their charges; null until a deck prices calls. */
    private readonly spend?: { between(from: Date, to: Date): Promise<Spend | null> },
  ) {}

  async report(q: AnalyticsQuery): Promise<Analytics> {
    const range = [q.from, q.to];
    const run = <T>(sql: string, params: unknown[] = range) => this.dataSource.query<T[]>(sql, params);
    const [volume, causes, countries, perUser, peaks, spend] = await Promise.all([
      run<{ bucket: Date; calls: number; answered: number; billsec: string }>(ANALYTICS_SQL.volume, [...range, q.granularity]),
      run<{ cause: string; calls: number; answered: number }>(ANALYTICS_SQL.hangupCauses),
      run<{ country: string; calls: number; billsec: string }>(ANALYTICS_SQL.topCountries),
      run<{ user_id: string; day: Date; calls: number; billsec: string }>(ANALYTICS_SQL.minutesByUserDay),
      this.concurrentPeaks(q.from, q.to),
      this.spend?.between(q.from, q.to) ?? null,
    ]);
    const total = volume.reduce((acc, v) => ({ calls: acc.calls + v.calls, answered: acc.answered + v.answered, billsec: acc.billsec + Number(v.billsec) }), { calls: 0, answered: 0, billsec: 0 });
    return {
      range: { from: q.from.toISOString(), to: q.to.toISOString(), granularity: q.granularity },
      totals: { calls: total.calls, answered: total.answered, asr: ratio(total.answered, total.calls), acdSeconds: total.answered ? Math.round(total.billsec / total.answered) : null, minutes: minutes(total.billsec) },
      volume: volume.map((v) => ({
        bucket: iso(v.bucket),
        calls: v.calls,
        answered: v.answered,
        asr: ratio(v.answered, v.calls),
        acdSeconds: v.answered ? Math.round(Number(v.billsec) / v.answered) : null,
        minutes: minutes(v.billsec),
      })),
      hangupCauses: causes,
      topCountries: countries.map((c) => ({ country: c.country, calls: c.calls, minutes: minutes(c.billsec) })),
      minutesByUserDay: perUser.map((u) => ({ userId: u.user_id, day: iso(u.day), calls: u.calls, minutes: minutes(u.billsec) })),
      concurrentPeak: peaks,
      spend,
    };
  }

  /**
   * The sweep, one day-long slice of the range at a time, several at once:
   * each slice is a small sort, and the database runs them side by side.
   */
  async concurrentPeaks(from: Date, to: Date): Promise<Array<{ hour: string; peak: number }>> {
    const slices: Array<[Date, Date]> = [];
    for (let start = from.getTime(); start < to.getTime(); start += SLICE_MS) slices.push([new Date(start), new Date(Math.min(start + SLICE_MS, to.getTime()))]);
    const results: Array<Array<{ hour: Date; peak: number }>> = slices.map(() => []);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_SLICES, slices.length) }, async () => {
        while (next < slices.length) {
          const i = next++;
          results[i] = await this.dataSource.query<Array<{ hour: Date; peak: number }>>(ANALYTICS_SQL.concurrentPeak, slices[i]);
        }
      }),
    );
    // Every hour of the range, those without a call at 0. A slice boundary inside an hour (a range
    // not starting on the hour) splits that hour: keep its larger peak.
    const hours = await this.dataSource.query<Array<{ hour: Date }>>(HOURS_SQL, [from, to]);
    const byHour = new Map<string, number>(hours.map((h) => [iso(h.hour), 0]));
    for (const rows of results) for (const r of rows) byHour.set(iso(r.hour), Math.max(byHour.get(iso(r.hour)) ?? 0, r.peak));
    return [...byHour].map(([hour, peak]) => ({ hour, peak }));
  }
}

// Figures for admins, straight from the records with SQL aggregates over the
// first legs of calls in a time range: volume and success (ASR, ACD), hangup
// causes, destination countries, minutes per user and day, and the peak of
// concurrent calls per hour. No personal field is read.
import type { DataSource } from 'typeorm';

export interface AnalyticsQuery {
  from: Date;
  to: Date;
  granularity: 'hour' | 'day';
}

export interface Analytics {
  range: { from: string; to: string; granularity: string };
  totals: { calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number };
  volume: Array<{ bucket: string; calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number }>;
  hangupCauses: Array<{ cause: string; calls: number; answered: number }>;
  topCountries: Array<{ country: string; calls: number; minutes: number }>;
  minutesByUserDay: Array<{ userId: string; day: string; calls: number; minutes: number }>;
  concurrentPeak: Array<{ hour: string; peak: number }>;
}

/** The queries, by name: the benchmark times each one. */
export const ANALYTICS_SQL = {
  volume: `SELECT date_trunc($3, started_at) AS bucket, count(*)::int AS calls, count(answered_at)::int AS answered,
                  coalesce(sum(billsec) FILTER (WHERE answered_at IS NOT NULL), 0)::bigint AS billsec
             FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 GROUP BY 1 ORDER BY 1`,
  hangupCauses: `SELECT hangup_cause AS cause, count(*)::int AS calls, count(answered_at)::int AS answered
                   FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 GROUP BY 1 ORDER BY 2 DESC, 1`,
  topCountries: `SELECT country, count(*)::int AS calls, coalesce(sum(billsec), 0)::bigint AS billsec
                   FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 AND country IS NOT NULL
                  GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
  minutesByUserDay: `SELECT user_id, date_trunc('day', started_at) AS day, count(*)::int AS calls, coalesce(sum(billsec), 0)::bigint AS billsec
                       FROM cdrs WHERE leg = 'a' AND started_at >= $1 AND started_at < $2 AND user_id IS NOT NULL
                      GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT 1000`,
  // A running sum over call starts (+1) and ends (-1); ends sort first at the same instant.
  // Calls that began before the range and were still up count from its start.
  concurrentPeak: `WITH ev AS (
                     SELECT started_at AS t, 1 AS d FROM cdrs WHERE leg = 'a' AND started_at < $2 AND ended_at >= $1
                     UNION ALL
                     SELECT ended_at AS t, -1 AS d FROM cdrs WHERE leg = 'a' AND started_at < $2 AND ended_at >= $1
                   ), live AS (
                     SELECT t, sum(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM ev
                   )
                   SELECT date_trunc('hour', greatest(t, $1)) AS hour, max(n)::int AS peak FROM live WHERE t < $2 GROUP BY 1 ORDER BY 1`,
} as const;

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
const minutes = (billsec: number | string) => Math.round((Number(billsec) / 60) * 100) / 100;
const iso = (d: Date | string) => new Date(d).toISOString();

export class CallAnalytics {
  constructor(private readonly dataSource: DataSource) {}

  async report(q: AnalyticsQuery): Promise<Analytics> {
    const range = [q.from, q.to];
    const run = <T>(sql: string, params: unknown[] = range) => this.dataSource.query<T[]>(sql, params);
    const [volume, causes, countries, perUser, peaks] = await Promise.all([
      run<{ bucket: Date; calls: number; answered: number; billsec: string }>(ANALYTICS_SQL.volume, [...range, q.granularity]),
      run<{ cause: string; calls: number; answered: number }>(ANALYTICS_SQL.hangupCauses),
      run<{ country: string; calls: number; billsec: string }>(ANALYTICS_SQL.topCountries),
      run<{ user_id: string; day: Date; calls: number; billsec: string }>(ANALYTICS_SQL.minutesByUserDay),
      run<{ hour: Date; peak: number }>(ANALYTICS_SQL.concurrentPeak),
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
      concurrentPeak: peaks.map((p) => ({ hour: iso(p.hour), peak: p.peak })),
    };
  }
}

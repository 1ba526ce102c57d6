export type Granularity = 'hour' | 'day';

/** GET /api/analytics?from=&to=&granularity= (admin). Costs are absent until calls carry a price. */
export interface Analytics {
  range: { from: string; to: string; granularity: Granularity };
  totals: { calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number; cost?: number | null };
  volume: Array<{ bucket: string; calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number }>;
  hangupCauses: Array<{ cause: string; calls: number; answered: number }>;
  topCountries: Array<{ country: string; calls: number; minutes: number }>;
  minutesByUserDay: Array<{ userId: string; day: string; calls: number; minutes: number; cost?: number | null }>;
  concurrentPeak: Array<{ hour: string; peak: number }>;
}

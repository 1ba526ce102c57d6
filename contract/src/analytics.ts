import type { Spend } from './billing.js';

export type Granularity = 'hour' | 'day';

/** GET /api/analytics?from=&to=&granularity= (admin). */
export interface Analytics {
  range: { from: string; to: string; granularity: Granularity };
  totals: { calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number };
  volume: Array<{ bucket: string; calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number }>;
  hangupCauses: Array<{ cause: string; calls: number; answered: number }>;
  topCountries: Array<{ country: string; calls: number; minutes: number }>;
  minutesByUserDay: Array<{ userId: string; day: string; calls: number; minutes: number }>;
  concurrentPeak: Array<{ hour: string; peak: number }>;
  /** What the calls in the range cost; null until a deck prices calls. */
  spend: Spend | null;
}

import { apiRequest } from './http';

/** GET /api/analytics (admin). */
export interface Analytics {
  range: { from: string; to: string; granularity: 'hour' | 'day' };
  totals: { calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number; cost?: number | null };
  volume: Array<{ bucket: string; calls: number; answered: number; asr: number | null; acdSeconds: number | null; minutes: number }>;
  hangupCauses: Array<{ cause: string; calls: number; answered: number }>;
  topCountries: Array<{ country: string; calls: number; minutes: number }>;
  minutesByUserDay: Array<{ userId: string; day: string; calls: number; minutes: number; cost?: number | null }>;
  concurrentPeak: Array<{ hour: string; peak: number }>;
}

export const fetchAnalytics = (token: string, query: { from: string; to: string; granularity: 'hour' | 'day' }) =>
  apiRequest<Analytics>('/api/analytics', { token, query });

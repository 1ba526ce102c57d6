import type { Analytics, Granularity } from '@sipcall/contract';
import { apiRequest } from './http';

export const fetchAnalytics = (token: string, query: { from: string; to: string; granularity: Granularity }) =>
  apiRequest<Analytics>('/api/analytics', { token, query });

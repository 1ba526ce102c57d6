import type { Analytics, Granularity } from '@sipcall/contract';
import { apiRequest } from './http';

export const fetchAnalytics = (query: { from: string; to: string; granularity: Granularity }) =>
  apiRequest<Analytics>('/api/analytics', { query });

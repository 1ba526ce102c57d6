import type { HistoryPage, HistoryQuery } from '@sipcall/contract';
import { apiRequest } from './http';

export type HistoryFilter = Omit<HistoryQuery, 'cursor' | 'limit'>;

export const listHistory = (filter: HistoryFilter, cursor?: string, limit = 50) =>
  apiRequest<HistoryPage>('/api/history', { query: { ...filter, cursor, limit } });

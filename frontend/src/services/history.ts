import { apiRequest } from './http';

/** One call record as GET /api/history gives it (numbers masked in privacy mode, null after erasure). */
export interface CallRecord {
  id: string;
  callUuid: string;
  userId: string | null;
  direction: 'outbound' | 'inbound' | 'internal';
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  durationS: number;
  billsec: number;
  hangupCause: string;
  sipStatus: number | null;
  decision: string | null;
  reason: string | null;
  country: string | null;
  destination: string | null;
  caller: string | null;
}

export interface HistoryFilter {
  number?: string;
  from?: string;
  to?: string;
  direction?: 'outbound' | 'inbound' | 'internal';
  status?: 'answered' | 'unanswered';
  userId?: string;
}

export interface HistoryPage {
  items: CallRecord[];
  nextCursor: string | null;
}

export const listHistory = (token: string, filter: HistoryFilter, cursor?: string, limit = 50) =>
  apiRequest<HistoryPage>('/api/history', { token, query: { ...filter, cursor, limit } });

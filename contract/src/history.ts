// Call records as the history reads them back.
import type { CallCharge } from './billing.js';

export type CallDirection = 'outbound' | 'inbound' | 'internal';

/** One call record (GET /api/history): numbers masked in privacy mode, null after erasure. */
export interface CallRecord {
  id: string;
  callUuid: string;
  userId: string | null;
  direction: CallDirection;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  durationS: number;
  billsec: number;
  /** The switch's hangup cause, e.g. NORMAL_CLEARING. */
  hangupCause: string;
  sipStatus: number | null;
  /** What the routing policy decided (allow, refuse) and why, as the switch recorded them: usually a RoutingReason. */
  decision: string | null;
  reason: string | null;
  country: string | null;
  destination: string | null;
  caller: string | null;
  /** The call's price once rated; null when nothing priced it. */
  charge: CallCharge | null;
}

/** GET /api/history's filters; admins may also ask for one user's calls. */
export interface HistoryQuery {
  /** Exact number (looked up through the blind index). */
  number?: string;
  from?: string;
  to?: string;
  direction?: CallDirection;
  status?: 'answered' | 'unanswered';
  userId?: string;
  cursor?: string;
  limit?: number;
}

export interface HistoryPage {
  items: CallRecord[];
  nextCursor: string | null;
}

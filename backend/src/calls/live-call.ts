// A live call as the registry keeps it: one record per call, keyed by its
// first leg's UUID, with the legs the switch bridged to it.
import type { Assert, LiveCallDirection, LiveCallState, LiveCall as LiveCallOnTheWire, NamesEvery, Same } from '@sipcall/contract';

export const CALL_STATES = ['ringing', 'early', 'answered', 'held', 'hangup'] as const satisfies readonly LiveCallState[];
export type CallState = LiveCallState;
export type CallDirection = LiveCallDirection;

export interface LiveCall {
  /** UUID of the first leg (the user's, or the caller's for inbound calls). */
  id: string;
  /** Switch node name (host:port). */
  node: string;
  /** All legs' UUIDs, the first leg first. */
  legs: string[];
  /** outbound: a user calls out (dialled or click-to-call); inbound: the trunk calls in. */
  direction: CallDirection;
  userId: string | null;
  destination: string;
  callerNumber: string;
  state: CallState;
  startedAt: string;
  answeredAt: string | null;
  /** Event-Date-Timestamp (µs) of the newest event applied; replicas never overwrite newer with older. */
  lastEventUs: number;
}

/** What browsers and the API see: no internal bookkeeping. */
export type PublicCall = Omit<LiveCall, 'lastEventUs'>;
type _Checked = [Assert<Same<PublicCall, LiveCallOnTheWire>>, Assert<NamesEvery<LiveCallState, typeof CALL_STATES>>];

export function toPublicCall({ lastEventUs: _seen, ...call }: LiveCall): PublicCall {
  return call;
}

/** The far end: the leg a hold, a DTMF or a blind transfer acts on. */
export function remoteLeg(call: LiveCall): string {
  return call.legs[1] ?? call.legs[0]!;
}

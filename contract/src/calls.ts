// Calls on the switches right now: GET /api/calls and the live WebSocket.

export type LiveCallState = 'ringing' | 'early' | 'answered' | 'held' | 'hangup';

/** outbound: a user calls out (dialled or click-to-call); inbound: the trunk calls in. */
export type LiveCallDirection = 'outbound' | 'inbound';

export interface LiveCall {
  /** UUID of the first leg (the user's, or the caller's for inbound calls). */
  id: string;
  /** Switch node name (host:port). */
  node: string;
  /** All legs' UUIDs, the first leg first. */
  legs: string[];
  direction: LiveCallDirection;
  userId: string | null;
  destination: string;
  callerNumber: string;
  state: LiveCallState;
  startedAt: string;
  answeredAt: string | null;
}

/** What /api/live sends: every call on connect, then each change and each end. */
export type LiveMessage = { type: 'snapshot'; calls: LiveCall[] } | { type: 'call'; call: LiveCall } | { type: 'call_ended'; call: LiveCall; cause: string };

/** The live socket's subprotocol; the access token rides beside it as `bearer.<token>`. */
export type LiveProtocol = 'sipcall.v1';

/** Why the server closed the live socket: 4001 the access token expired (reconnect with a fresh one), 4003 the session ended. */
export type LiveCloseCode = 4001 | 4003;

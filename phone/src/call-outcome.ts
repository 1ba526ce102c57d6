// Why a call ended, in one word the UI can translate: SIPCall's own refusal
// reason when the switch sent one, else what the SIP status or JsSIP's cause says.
import type { CallEnd } from './phone';

export type Outcome =
  | 'completed'
  | 'cancelled'
  | 'busy'
  | 'no_answer'
  | 'unavailable'
  | 'not_found'
  | 'rejected'
  | 'forbidden'
  | 'connection_lost'
  | 'no_microphone'
  | 'media_failed'
  | 'failed'
  | `refused.${string}`;

/** Reasons the routing policy gives (backend routing/policy.ts); anything else is shown by its SIP status. */
const REASON = /^[a-z_]{1,40}$/;

export function outcomeOf(end: CallEnd, wasConnected: boolean): Outcome {
  if (end.reason && REASON.test(end.reason)) return `refused.${end.reason}`;
  if (wasConnected) return end.cause === 'Connection Error' || end.cause === 'RTP Timeout' || end.cause === 'Request Timeout' ? 'connection_lost' : 'completed';
  switch (end.status) {
    case 486:
    case 600:
      return 'busy';
    case 408:
      return 'no_answer';
    case 480:
    case 500:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    case 404:
    case 484:
      return 'not_found';
    case 403:
      return 'forbidden';
    case 603:
      return 'rejected';
    case 487:
      return 'cancelled';
  }
  switch (end.cause) {
    case 'Canceled':
      return 'cancelled';
    case 'Busy':
      return 'busy';
    case 'Rejected':
      return 'rejected';
    case 'No Answer':
    case 'Request Timeout':
      return 'no_answer';
    case 'Unavailable':
    case 'Address Incomplete':
      return 'unavailable';
    case 'Not Found':
      return 'not_found';
    case 'User Denied Media Access':
      return 'no_microphone';
    case 'WebRTC Error':
    case 'Incompatible SDP':
    case 'Missing SDP':
    case 'Bad Media Description':
      return 'media_failed';
    case 'Connection Error':
      return 'connection_lost';
  }
  return 'failed';
}

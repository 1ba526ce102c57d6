// A switch's hangup cause (Q.850 names, as FreeSWITCH writes them) in words.
// The common ones have their own sentence; any other reads as its name in
// lower case ("NORMAL_TEMPORARY_FAILURE" → "Normal temporary failure"), so a
// code is never shown bare. The code itself stays available (tooltips, CSV).
import { t, type MessageKey } from '../i18n';

const WORDS: Readonly<Record<string, MessageKey>> = {
  NORMAL_CLEARING: 'cause.normal',
  USER_BUSY: 'cause.busy',
  NO_ANSWER: 'cause.noAnswer',
  NO_USER_RESPONSE: 'cause.noAnswer',
  ORIGINATOR_CANCEL: 'cause.cancelled',
  CALL_REJECTED: 'cause.rejected',
  UNALLOCATED_NUMBER: 'cause.noSuchNumber',
  INVALID_NUMBER_FORMAT: 'cause.noSuchNumber',
  NO_ROUTE_DESTINATION: 'cause.noRoute',
  USER_NOT_REGISTERED: 'cause.notRegistered',
  SUBSCRIBER_ABSENT: 'cause.notRegistered',
  ALLOTTED_TIMEOUT: 'cause.timeLimit',
  MEDIA_TIMEOUT: 'cause.mediaTimeout',
  INCOMPATIBLE_DESTINATION: 'cause.incompatible',
  MANAGER_REQUEST: 'cause.hungUpBySystem',
  NORMAL_TEMPORARY_FAILURE: 'cause.temporaryFailure',
  DESTINATION_OUT_OF_ORDER: 'cause.unreachable',
  NETWORK_OUT_OF_ORDER: 'cause.unreachable',
  RECOVERY_ON_TIMER_EXPIRE: 'cause.unreachable',
  SERVICE_UNAVAILABLE: 'cause.unreachable',
  LOSE_RACE: 'cause.answeredElsewhere',
};

export function causeInWords(cause: string): string {
  const key = WORDS[cause];
  if (key) return t(key);
  const words = cause.toLowerCase().replace(/_+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : cause;
}

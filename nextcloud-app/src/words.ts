// The app's words, through Nextcloud's translations (l10n/ of app sipcall).
import { translate } from '@nextcloud/l10n';
import type { RefusalReason, RoutingReason } from '@sipcall/contract';
import type { CallState, Outcome, RegistrationState } from '@sipcall/phone';

export const t = (text: string, vars?: Record<string, string>): string => translate('sipcall', text, vars);

export const stateWords = (state: CallState): string =>
  ({
    incoming: t('Incoming call'),
    calling: t('Calling…'),
    ringing: t('Ringing…'),
    early: t('Connecting…'),
    connected: t('In a call'),
    held: t('On hold'),
    ended: t('Call ended'),
  })[state];

export const registrationWords = (state: RegistrationState): string =>
  ({
    offline: t('Phone off'),
    connecting: t('Connecting the phone…'),
    registered: t('Ready for calls'),
    reconnecting: t('Reconnecting…'),
    failed: t('The phone could not connect'),
  })[state];

const OUTCOMES: Record<string, string> = {
  completed: 'Call ended',
  cancelled: 'Call cancelled',
  busy: 'Busy',
  no_answer: 'No answer',
  unavailable: 'Not reachable',
  not_found: 'This number does not exist',
  rejected: 'Call declined',
  forbidden: 'This call is not allowed',
  connection_lost: 'The connection was lost',
  no_microphone: 'No microphone could be used: allow it for this site',
  media_failed: 'The audio could not be set up',
  failed: 'The call failed',
};

/** Why a call ended, in words; SIPCall's own refusals by their reason. */
export function outcomeWords(outcome: Outcome): string {
  if (outcome.startsWith('refused.')) {
    const reason = outcome.slice('refused.'.length);
    return reason === 'insufficient_credit' ? t('Not enough credit for this call') : t('SIPCall refused this call ({reason})', { reason: reason.replace(/_/g, ' ') });
  }
  return t(OUTCOMES[outcome] ?? 'The call failed');
}

const REFUSALS: Record<RefusalReason, string> = {
  invalid_number: 'This is not a number that can be called',
  destination_not_allowed: 'Calls to this destination are not allowed',
  premium_rate: 'Premium-rate and shared-cost numbers cannot be called',
  fraud_prefix: 'This number range is blocked against toll fraud',
  emergency_refused: 'Emergency numbers cannot be called from here: use another phone',
  unknown_caller: 'Your phone is not known to SIPCall: reload the page',
  unknown_extension: 'Nobody has this extension',
  unknown_did: 'This number is not in use',
  user_cap: 'You have as many calls up as you may',
  global_cap: 'All lines are busy: try again in a moment',
  user_cps: 'Too many calls at once: wait a second',
  global_cps: 'Too many calls at once: wait a second',
  insufficient_credit: 'Not enough credit for this call',
  spend_limit: 'Your spend limit is reached',
  no_rate: 'This destination has no price, so it cannot be called on credit',
  routing_error: 'SIPCall could not route this call',
};

/** Why SIPCall will not place a call, before it is dialled. */
export const refusalWords = (reason: RoutingReason): string => t((REFUSALS as Record<string, string>)[reason] ?? 'SIPCall does not call this number');

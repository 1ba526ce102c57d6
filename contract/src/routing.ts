// The routing policy's words: why a call goes where it goes, or why not.
import type { SellRate } from './billing.js';

/** The call may go: to the trunk, to a user's extension, to an emergency number, or in from the trunk to a user's number. */
export type AllowReason = 'allowed' | 'extension' | 'emergency' | 'did';

/**
 * Why the policy refused a call. The dialplan sends it to the caller in the
 * X-SIPCall-Reason header of the SIP error, the call record keeps it, and the
 * destination preview names it before anything is dialled.
 */
export type RefusalReason =
  | 'invalid_number'
  | 'destination_not_allowed'
  | 'premium_rate'
  | 'fraud_prefix'
  | 'emergency_refused'
  | 'unknown_caller'
  | 'unknown_extension'
  | 'unknown_did'
  | 'user_cap'
  | 'global_cap'
  | 'user_cps'
  | 'global_cps'
  | 'insufficient_credit'
  | 'spend_limit'
  | 'no_rate'
  | 'routing_error';

export type RoutingReason = AllowReason | RefusalReason;

/** What a typed number is: a phone number (E.164), a user's extension, an emergency number, or nothing callable. */
export type DialledKind = 'e164' | 'extension' | 'emergency' | 'invalid';

/** GET /api/destinations?number=: what a number being typed would become, before anything is dialled. */
export interface DestinationPreview {
  kind: DialledKind;
  /** E.164 for a phone number, the digits for an extension or emergency number, null when not callable. */
  number: string | null;
  country: string | null;
  allowed: boolean;
  reason: RoutingReason;
  /** What the call costs per the sell deck; null when no deck prices it (or it goes to no trunk). */
  rate: SellRate | null;
}

export type EmergencyPolicy = 'allow' | 'refuse';

/** GET /api/settings/routing (admin, read-only): the policy and trunk as configured; no secret. */
export interface RoutingSettings {
  sipDomain: string;
  wssUrl: string;
  gateway: string;
  /** Codecs offered to the carrier, in order. */
  trunkCodecs: readonly string[];
  trunkPasswordSet: boolean;
  defaultCountry: string;
  allowedCountries: readonly string[];
  allowedPrefixes: readonly string[];
  blockedPrefixes: readonly string[];
  /** Toll-fraud ranges refused whatever the configuration says. */
  builtInBlockedPrefixes: readonly string[];
  emergencyNumbers: readonly string[];
  emergencyPolicy: EmergencyPolicy;
  maxCallSeconds: number;
  userMaxConcurrent: number;
  globalMaxConcurrent: number;
  userCallsPerSecond: number;
  globalCallsPerSecond: number;
  stunUrls: readonly string[];
  turnUrls: readonly string[];
}

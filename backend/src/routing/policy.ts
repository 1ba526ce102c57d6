// The one place that decides what happens to a call, with a reason for every
// outcome. Destination policy is a pure function (table-tested); the caps and
// rate limits that need shared state come after it, in decide().
import type { Config } from '../config/settings.js';
import type { CounterStore } from '../state/state.js';
import type { CallSlots } from './call-slots.js';
import { BLOCKED_TYPES, FRAUD_PREFIXES, classify, type Dialled } from '../core/phone-numbers.js';
import type { RefusalReason, RoutingReason } from '@sipcall/contract';

/** Every outcome's name: the contract lists them, for the dialplan's X-SIPCall-Reason, the records and the preview. */
export type Reason = RoutingReason;

/** The SIP answer a refusal gets, so the browser can explain it. */
export const REFUSALS: Record<RefusalReason, { status: number; text: string }> = {
  invalid_number: { status: 404, text: 'Not Found' },
  unknown_extension: { status: 404, text: 'Not Found' },
  unknown_did: { status: 404, text: 'Not Found' },
  destination_not_allowed: { status: 403, text: 'Forbidden' },
  premium_rate: { status: 403, text: 'Forbidden' },
  fraud_prefix: { status: 403, text: 'Forbidden' },
  emergency_refused: { status: 403, text: 'Forbidden' },
  unknown_caller: { status: 403, text: 'Forbidden' },
  user_cap: { status: 486, text: 'Busy Here' },
  user_cps: { status: 486, text: 'Busy Here' },
  global_cap: { status: 480, text: 'Temporarily Unavailable' },
  global_cps: { status: 480, text: 'Temporarily Unavailable' },
  // The caller's prepaid credit buys not even the first increment; or their account's spend limit is reached.
  insufficient_credit: { status: 402, text: 'Payment Required' },
  spend_limit: { status: 402, text: 'Payment Required' },
  // A prepaid account calls nothing its sell deck does not price.
  no_rate: { status: 403, text: 'Forbidden' },
  routing_error: { status: 480, text: 'Temporarily Unavailable' },
};

export type Target =
  | { kind: 'trunk'; number: string; country: string | null }
  | { kind: 'user'; userId: string };

export type Decision =
  | {
      decision: 'allow';
      reason: 'allowed' | 'extension' | 'emergency' | 'did';
      target: Target;
      maxSeconds: number | null;
      /** Seconds of talk the caller's credit buys, counted from the answer (a reservation holds what they cost); absent when credit sets no limit. */
      creditSeconds?: number;
    }
  | { decision: 'refuse'; reason: Exclude<Reason, 'allowed' | 'extension' | 'emergency' | 'did'>; status: number; text: string };

export type DestinationPolicy = Pick<
  Config['routing'],
  'allowedCountries' | 'allowedPrefixes' | 'blockedPrefixes' | 'emergencyPolicy' | 'maxCallSeconds'
>;

export function refuse(reason: Exclude<Reason, 'allowed' | 'extension' | 'emergency' | 'did'>): Decision {
  return { decision: 'refuse', reason, ...REFUSALS[reason] };
}

/**
 * Where a classified number may go, by policy alone. Order matters: fraud
 * ranges and premium types are refused before the allow-list is consulted,
 * so no allow-list entry can open them; everything not allowed is refused.
 */
export function evaluateDestination(dialled: Dialled, policy: DestinationPolicy, extensionOwner: string | null): Decision {
  switch (dialled.kind) {
    case 'invalid':
      return refuse('invalid_number');
    case 'emergency':
      return policy.emergencyPolicy === 'allow'
        ? { decision: 'allow', reason: 'emergency', target: { kind: 'trunk', number: dialled.number, country: null }, maxSeconds: null }
        : refuse('emergency_refused');
    case 'extension':
      return extensionOwner ? { decision: 'allow', reason: 'extension', target: { kind: 'user', userId: extensionOwner }, maxSeconds: policy.maxCallSeconds } : refuse('unknown_extension');
    case 'e164': {
      const blocked = [...FRAUD_PREFIXES, ...policy.blockedPrefixes];
      if (blocked.some((p) => dialled.e164.startsWith(p))) return refuse('fraud_prefix');
      if (dialled.type !== undefined && BLOCKED_TYPES.has(dialled.type)) return refuse('premium_rate');
      const allowed =
        (dialled.country !== null && policy.allowedCountries.includes(dialled.country)) || policy.allowedPrefixes.some((p) => dialled.e164.startsWith(p));
      if (!allowed) return refuse('destination_not_allowed');
      return { decision: 'allow', reason: 'allowed', target: { kind: 'trunk', number: dialled.e164, country: dialled.country }, maxSeconds: policy.maxCallSeconds };
    }
  }
}

export interface Caller {
  id: string;
  disabled: boolean;
  defaultCountry: string | null;
}

/**
 * What the caller's account lets a trunk call last (billing/ answers):
 * prepaid credit or a postpaid spend limit, with what that time costs reserved
 * under the call's id; `seconds` null when the account sets no limit.
 */
export interface CreditCheck {
  authorise(input: { callId: string; userId: string; e164: string; maxSeconds: number }): Promise<{ ok: true; seconds: number | null } | { ok: false; reason: 'insufficient_credit' | 'spend_limit' | 'no_rate' }>;
}

export interface RoutingDeps {
  config: Config['routing'];
  counters: CounterStore;
  slots: CallSlots;
  credit?: CreditCheck | undefined;
  /** The enabled user with this extension, if any. */
  extensionOwner(extension: string): Promise<string | null>;
}

/** What the caller dialled, classified as they meant it, and where policy lets it go. */
export async function destinationFor(
  deps: Pick<RoutingDeps, 'config' | 'extensionOwner'>,
  caller: Caller,
  raw: string,
): Promise<{ dialled: Dialled; verdict: Decision }> {
  // An extension must be looked up before classifying, to tell it from a short national number.
  const candidate = raw.replace(/[\s().\-/]/g, '');
  const owner = /^[0-9]{2,6}$/.test(candidate) ? await deps.extensionOwner(candidate) : null;
  const dialled = classify(raw, {
    defaultCountry: caller.defaultCountry ?? deps.config.defaultCountry,
    emergencyNumbers: deps.config.emergencyNumbers,
    isExtension: () => owner !== null,
  });
  return { dialled, verdict: evaluateDestination(dialled, deps.config, owner) };
}

/** Everything a decision needs: the caller, what they dialled, and the call's id for the cap. */
export async function decide(deps: RoutingDeps, input: { callId: string; caller: Caller | null; dialled: string }): Promise<Decision> {
  const { config } = deps;
  if (!input.caller || input.caller.disabled) return refuse('unknown_caller');
  const caller = input.caller;

  const { verdict } = await destinationFor(deps, caller, input.dialled);
  if (verdict.decision === 'refuse' || verdict.reason === 'emergency') return verdict;

  // Rate limits count every attempt that got this far, refused or not: that is what slows an attacker.
  const [mine, everyone] = await Promise.all([deps.counters.hit(`cps:user:${caller.id}`, 1000), deps.counters.hit('cps:all', 1000)]);
  if (mine.count > config.userCallsPerSecond) return refuse('user_cps');
  if (everyone.count > config.globalCallsPerSecond) return refuse('global_cps');

  if (verdict.target.kind === 'trunk') {
    const slot = await deps.slots.acquire({
      callId: input.callId,
      userId: caller.id,
      userCap: config.userMaxConcurrent,
      globalCap: config.globalMaxConcurrent,
      ttlMs: (config.maxCallSeconds + 60) * 1000,
    });
    if (slot !== 'ok') return refuse(slot);
    if (deps.credit) {
      const granted = await deps.credit.authorise({ callId: input.callId, userId: caller.id, e164: verdict.target.number, maxSeconds: config.maxCallSeconds }).catch(async (err: unknown) => {
        await deps.slots.release(input.callId);
        throw err;
      });
      if (!granted.ok) {
        await deps.slots.release(input.callId);
        return refuse(granted.reason);
      }
      if (granted.seconds !== null) return { ...verdict, creditSeconds: granted.seconds };
    }
  }
  return verdict;
}

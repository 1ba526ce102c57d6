// "What do I do with this call?" — the switch's dialplan question. Calls from
// SIPCall users (their context) meet the policy; calls from the carrier (the
// public context) ring the user who owns the dialled number. The answer is a
// plan in SIPCall's terms; the switch's door renders it. Anything unexpected is
// a refusal, never a bridge.
import type { DestinationPreview, SellRate } from '@sipcall/contract';
import type { Config } from '../config/settings.js';
import type { Logger } from '../logger.js';
import type { CounterStore } from '../state/state.js';
import type { User } from '../users/user.entity.js';
import { userIdOfSipUser } from '../sip/sip-credentials.js';
import type { CallSlots } from './call-slots.js';
import { decide, destinationFor, refuse, type Caller, type CreditCheck, type Decision } from './policy.js';

/** A dialplan request as the switch's door decoded it (context and call id already well-formed). */
export interface DialplanRequest {
  context: string;
  callId: string;
  /** As dialled. */
  destination: string;
  /** The SIPCall user the switch names as the caller (set by the directory for browsers, by click-to-call for calls SIPCall starts). */
  callerUserId: string | undefined;
  /** The SIP user name that authenticated the call, when there is one. */
  sipUser: string | undefined;
}

/** What the switch is told to do with a call. */
export interface CallPlan {
  context: string;
  callId: string;
  decision: Decision;
  /** The caller's user id, carried onto the call's other leg and into its record. */
  callerUserId: string | null;
  /** The call came in from the carrier to a user's number. */
  inbound: boolean;
  /**
   * Who the person called sees calling, for a call from one user to another: the caller's
   * display name and extension (else their SIP user name, an internal id, would show).
   */
  callerId: { name: string; number: string | null } | null;
}

export type DialplanAnswer = { routed: true; plan: CallPlan } | { routed: false; reason: 'unknown_context' };

/** What `GET /api/destinations` answers about a number being typed. */
export type { DestinationPreview };

/** The context the external (trunk) profile sends calls to. */
export const PUBLIC_CONTEXT = 'public';

/**
 * How long a caller's record is reused between decisions. A change made
 * through this process drops the entry at once (forgetCaller); one made on
 * another replica bites within this time. Disabling a user bites at once
 * anyway: the switch authenticates every INVITE through an uncached directory
 * lookup first, and a disabled user is "not found" there.
 */
const CALLER_CACHE_MS = 30_000;
const CALLER_CACHE_SIZE = 10_000;

export interface DialplanDeps {
  policy: Config['routing'];
  /** The context SIPCall users' calls arrive in. */
  usersContext: string;
  users: { findById(id: string): Promise<User | null>; findByExtension(extension: string): Promise<User | null> };
  dids: { ownerOf(number: string): Promise<string | null> };
  counters: CounterStore;
  slots: CallSlots;
  log: Logger;
  /** What a call to a number costs the caller, shown before it is dialled. */
  prices?: { sellRate(e164: string): Promise<SellRate | null> };
  /** What the caller's account lets a trunk call last (and, for the preview, whether it lets one start). */
  credit?: CreditCheck & { wouldAllow(userId: string, e164: string, maxSeconds: number): Promise<'ok' | 'insufficient_credit' | 'spend_limit' | 'no_rate'> };
}

export class Dialplan {
  private readonly callers = new Map<string, { user: User | null; until: number }>();

  constructor(private readonly deps: DialplanDeps) {}

  async route(req: DialplanRequest): Promise<DialplanAnswer> {
    const inbound = req.context === PUBLIC_CONTEXT;
    // A context we do not route: the static configuration (which refuses) answers.
    if (!inbound && req.context !== this.deps.usersContext) return { routed: false, reason: 'unknown_context' };
    let decision: Decision;
    let caller: User | null = null;
    try {
      if (inbound) decision = await this.inbound(req.destination);
      else ({ decision, caller } = await this.outbound(req));
    } catch (err) {
      this.deps.log.error({ err, callId: req.callId }, 'routing decision failed; refusing the call');
      decision = refuse('routing_error');
    }
    const callerUserId = inbound ? null : (req.callerUserId && userIdOfSipUser(req.callerUserId)) || null;
    const toUser = decision.decision === 'allow' && decision.target.kind === 'user';
    const callerId = toUser && caller ? { name: caller.displayName, number: caller.extension } : null;
    return { routed: true, plan: { context: req.context, callId: req.callId, decision, callerUserId, inbound, callerId } };
  }

  /**
   * Where a number the user is typing would go, by the same classification and
   * policy a call meets — but counting nothing and reserving nothing, so it is
   * safe to ask at every keystroke. Rate limits and caps are for real calls.
   */
  async preview(caller: Caller, raw: string): Promise<DestinationPreview> {
    const { dialled, verdict } = await destinationFor({ config: this.deps.policy, extensionOwner: this.extensionOwner }, caller, raw);
    const number = dialled.kind === 'e164' ? dialled.e164 : dialled.kind === 'extension' ? dialled.extension : dialled.kind === 'emergency' ? dialled.number : null;
    const toTrunk = verdict.decision === 'allow' && verdict.reason === 'allowed' && dialled.kind === 'e164';
    const credit = toTrunk && this.deps.credit ? await this.deps.credit.wouldAllow(caller.id, dialled.e164, this.deps.policy.maxCallSeconds) : 'ok';
    const allowed = verdict.decision === 'allow' && credit === 'ok';
    return {
      kind: dialled.kind,
      number,
      country: dialled.kind === 'e164' ? dialled.country : null,
      allowed,
      reason: credit === 'ok' ? verdict.reason : credit,
      rate: toTrunk && credit !== 'no_rate' && this.deps.prices ? await this.deps.prices.sellRate(dialled.e164) : null,
    };
  }

  /** Drops a user's cached record (they were changed or deleted). */
  forgetCaller(id: string): void {
    this.callers.delete(id);
  }

  private async outbound(req: DialplanRequest): Promise<{ decision: Decision; caller: User | null }> {
    const claimed = req.callerUserId ?? req.sipUser;
    const userId = claimed === undefined ? null : userIdOfSipUser(claimed);
    const caller = userId ? await this.caller(userId) : null;
    const decision = await decide(
      { config: this.deps.policy, counters: this.deps.counters, slots: this.deps.slots, extensionOwner: this.extensionOwner, credit: this.deps.credit },
      { callId: req.callId, caller, dialled: req.destination.slice(0, 64) },
    );
    return { decision, caller };
  }

  private async inbound(destination: string): Promise<Decision> {
    const owner = await this.deps.dids.ownerOf(destination.slice(0, 32));
    return owner ? { decision: 'allow', reason: 'did', target: { kind: 'user', userId: owner }, maxSeconds: this.deps.policy.maxCallSeconds } : refuse('unknown_did');
  }

  /** The enabled user who answers to an extension, if any. */
  private readonly extensionOwner = async (extension: string): Promise<string | null> => (await this.deps.users.findByExtension(extension))?.id ?? null;

  /**
   * The caller's account, kept for a moment: a burst of calls (or an attack)
   * costs one database read per user and cache period, not one per call.
   */
  private async caller(id: string): Promise<User | null> {
    const now = Date.now();
    const hit = this.callers.get(id);
    if (hit && hit.until > now) return hit.user;
    const user = await this.deps.users.findById(id);
    if (this.callers.size >= CALLER_CACHE_SIZE) this.callers.clear();
    this.callers.set(id, { user, until: now + CALLER_CACHE_MS });
    return user;
  }
}

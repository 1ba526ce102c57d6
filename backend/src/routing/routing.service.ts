// Answers FreeSWITCH's two questions over mod_xml_curl: "who is this SIP
// user?" (directory) and "what do I do with this call?" (dialplan). Every
// answer is a document the switch accepts; anything unexpected is a safe
// "not found" (directory) or a refusal (dialplan), never a bridge.
import type { Config } from '../config.js';
import type { DidService } from '../dids/dids.service.js';
import type { Logger } from '../logger.js';
import type { Counter, Histogram } from 'prom-client';
import type { SipCredentialService, DigestAttempt } from '../sip/sip-credentials.js';
import type { CounterStore } from '../state/state.js';
import type { User } from '../users/user.entity.js';
import type { UserService } from '../users/users.service.js';
import type { CallSlots } from './call-slots.js';
import type { DestinationPreview } from '@sipcall/contract';
import { decide, destinationFor, refuse, type Caller, type Decision } from './policy.js';
import { NOT_FOUND, dialplan, document, el, safeText, type Action } from './xml.js';
import { UUID } from '../core/ids.js';

/** What `GET /api/destinations` answers about a number being typed. */
export type { DestinationPreview };

/** The form mod_xml_curl posts, as validated strings. */
export type SwitchForm = Readonly<Record<string, string>>;

export interface RoutingMetrics {
  decisions: Counter<'decision' | 'reason'>;
  rejected: Counter<'reason'>;
  seconds: Histogram<'section'>;
}

interface RoutingServiceDeps {
  config: Pick<Config, 'routing' | 'switch'>;
  users: UserService;
  sip: SipCredentialService;
  dids: DidService;
  counters: CounterStore;
  slots: CallSlots;
  metrics: RoutingMetrics;
  log: Logger;
}

const CONTEXT = /^[A-Za-z0-9_-]{1,64}$/;
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

export class RoutingService {
  private readonly callers = new Map<string, { user: User | null; until: number }>();

  constructor(private readonly deps: RoutingServiceDeps) {}

  async answer(form: SwitchForm): Promise<string> {
    const section = form['section'];
    const timer = this.deps.metrics.seconds.startTimer({ section: section === 'directory' || section === 'dialplan' ? section : 'other' });
    try {
      if (section === 'directory') return await this.directory(form);
      if (section === 'dialplan') return await this.dialplan(form);
      this.deps.metrics.rejected.inc({ reason: 'unknown_section' });
      return NOT_FOUND;
    } finally {
      timer();
    }
  }

  // --- directory -----------------------------------------------------------------

  private async directory(form: SwitchForm): Promise<string> {
    const { routing } = this.deps.config;
    const userId = form['user'];
    // Domain-only lookups (ACL network lists at start-up) are the static config's business.
    if (userId === undefined) return NOT_FOUND;
    if (!UUID.test(userId) || form['domain'] !== routing.sipDomain) {
      this.deps.metrics.rejected.inc({ reason: 'unknown_user' });
      return NOT_FOUND;
    }
    const user = await this.deps.users.findById(userId);
    if (!user || user.disabled) {
      this.deps.metrics.rejected.inc({ reason: 'unknown_user' });
      return NOT_FOUND;
    }
    if (form['action'] !== 'sip_auth') return this.userDocument(user, null);
    const a1 = await this.deps.sip.a1For(user.id, digestOf(form));
    if (!a1) {
      this.deps.metrics.rejected.inc({ reason: 'no_credentials' });
      return NOT_FOUND;
    }
    return this.userDocument(user, a1);
  }

  private userDocument(user: User, a1: string | null): string {
    const { routing, switch: sw } = this.deps.config;
    const variables: Array<[string, string]> = [
      ['user_context', sw.context],
      ['sipcall_user_id', user.id],
      ['accountcode', user.id],
      ['effective_caller_id_name', safeText(user.displayName) || 'SIPCall'],
      // A browser that vanished without a BYE: hang up after 5 minutes without media (30 on hold).
      ['media_timeout', '300000'],
      ['media_hold_timeout', '1800000'],
      ...(user.extension ? ([['effective_caller_id_number', user.extension]] as Array<[string, string]>) : []),
    ];
    return document(
      el(
        'section',
        { name: 'directory' },
        el(
          'domain',
          { name: routing.sipDomain },
          // Ring every device the user has registered (browser tabs, phones).
          el('params', {}, el('param', { name: 'dial-string', value: '{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}${sofia_contact(*/${dialed_user}@${dialed_domain})}' })),
          el(
            'groups',
            {},
            el(
              'group',
              { name: 'sipcall' },
              el(
                'users',
                {},
                el(
                  'user',
                  { id: user.id },
                  ...(a1 ? [el('params', {}, el('param', { name: 'a1-hash', value: a1 }))] : []),
                  el('variables', {}, ...variables.map(([name, value]) => el('variable', { name, value }))),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // --- dialplan ------------------------------------------------------------------

  private async dialplan(form: SwitchForm): Promise<string> {
    const context = form['Hunt-Context'] ?? form['Caller-Context'];
    const callId = form['Unique-ID'];
    const destination = form['Hunt-Destination-Number'] ?? form['Caller-Destination-Number'] ?? '';
    if (!context || !CONTEXT.test(context) || !callId || !UUID.test(callId)) {
      this.deps.metrics.rejected.inc({ reason: 'malformed_dialplan_request' });
      return NOT_FOUND;
    }
    if (context !== PUBLIC_CONTEXT && context !== this.deps.config.switch.context) {
      // A context we do not route: the static configuration (which refuses) answers.
      this.deps.metrics.rejected.inc({ reason: 'unknown_context' });
      return NOT_FOUND;
    }
    let decision: Decision;
    try {
      decision = context === PUBLIC_CONTEXT ? await this.inbound(destination) : await this.outbound(form, callId, destination);
    } catch (err) {
      this.deps.log.error({ err, callId }, 'routing decision failed; refusing the call');
      decision = refuse('routing_error');
    }
    this.deps.metrics.decisions.inc({ decision: decision.decision, reason: decision.reason });
    return dialplan(context, this.actions(decision, form, callId));
  }

  private async outbound(form: SwitchForm, callId: string, destination: string): Promise<Decision> {
    const claimed = form['variable_sipcall_user_id'] ?? form['variable_user_name'];
    const caller = claimed && UUID.test(claimed) ? await this.caller(claimed) : null;
    return decide(
      {
        config: this.deps.config.routing,
        counters: this.deps.counters,
        slots: this.deps.slots,
        extensionOwner: this.extensionOwner,
      },
      { callId, caller, dialled: destination.slice(0, 64) },
    );
  }

  /**
   * Where a number the user is typing would go, by the same classification and
   * policy a call meets — but counting nothing and reserving nothing, so it is
   * safe to ask at every keystroke. Rate limits and caps are for real calls.
   */
  async preview(caller: Caller, raw: string): Promise<DestinationPreview> {
    const { dialled, verdict } = await destinationFor(
      { config: this.deps.config.routing, extensionOwner: this.extensionOwner },
      caller,
      raw,
    );
    const number = dialled.kind === 'e164' ? dialled.e164 : dialled.kind === 'extension' ? dialled.extension : dialled.kind === 'emergency' ? dialled.number : null;
    return {
      kind: dialled.kind,
      number,
      country: dialled.kind === 'e164' ? dialled.country : null,
      allowed: verdict.decision === 'allow',
      reason: verdict.reason,
    };
  }

  /** The enabled user who answers to an extension, if any. */
  private readonly extensionOwner = async (extension: string): Promise<string | null> => (await this.deps.users.findByExtension(extension))?.id ?? null;

  /** Drops a user's cached record (they were changed or deleted). */
  forgetCaller(id: string): void {
    this.callers.delete(id);
  }

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

  private async inbound(destination: string): Promise<Decision> {
    const owner = await this.deps.dids.ownerOf(destination.slice(0, 32));
    return owner ? { decision: 'allow', reason: 'did', target: { kind: 'user', userId: owner }, maxSeconds: this.deps.config.routing.maxCallSeconds } : refuse('unknown_did');
  }

  private actions(d: Decision, form: SwitchForm, callId: string): Action[] {
    const set = (name: string, value: string): Action => ({ app: 'set', data: `${name}=${value}` });
    if (d.decision === 'refuse') {
      // The variables travel into the call record; the respond reaches the caller as a SIP status,
      // with the reason in an X- header (sip_rh_ variables become headers of the error response)
      // so a browser phone can say why in words.
      return [
        set('sipcall_decision', 'refuse'),
        set('sipcall_reason', d.reason),
        set('sip_rh_X-SIPCall-Reason', d.reason),
        { app: 'respond', data: `${d.status} ${d.text}` },
      ];
    }
    const { routing } = this.deps.config;
    const actions: Action[] = [set('sipcall_decision', 'allow'), set('sipcall_reason', d.reason), { app: 'export', data: `sipcall_call_id=${callId}` }];
    const caller = form['variable_sipcall_user_id'];
    if (caller && UUID.test(caller)) actions.push({ app: 'export', data: `sipcall_user_id=${caller}` });
    actions.push(set('hangup_after_bridge', 'true'));
    if (d.maxSeconds !== null) actions.push({ app: 'sched_hangup', data: `+${d.maxSeconds} ALLOTTED_TIMEOUT` });
    if (d.target.kind === 'trunk') {
      actions.push(
        set('sipcall_destination', d.target.number),
        // The trunk leg is offered what the carrier takes, not the browser's codec (the switch would
        // otherwise offer the far leg only what the first leg negotiated, opus, and a G.711 carrier
        // answers with nothing in common); nolocal: this leg keeps what it negotiated, and the switch
        // transcodes between the two.
        { app: 'export', data: `nolocal:absolute_codec_string=${routing.trunkCodecs.join(',')}` },
        { app: 'bridge', data: `sofia/gateway/${routing.gateway}/${d.target.number}` },
      );
    } else {
      if (d.reason === 'did') actions.push(set('sipcall_direction', 'inbound'), { app: 'export', data: `sipcall_user_id=${d.target.userId}` });
      actions.push(set('call_timeout', '30'), { app: 'bridge', data: `user/${d.target.userId}@${routing.sipDomain}` });
    }
    return actions;
  }
}

function digestOf(form: SwitchForm): DigestAttempt | null {
  const response = form['sip_auth_response'];
  const nonce = form['sip_auth_nonce'];
  const uri = form['sip_auth_uri'];
  const method = form['sip_auth_method'];
  if (!response || !nonce || !uri || !method || !/^[0-9a-fA-F]{32}$/.test(response)) return null;
  return {
    username: form['sip_auth_username'] ?? '',
    realm: form['sip_auth_realm'] ?? '',
    nonce,
    uri,
    method,
    response,
    qop: form['sip_auth_qop'],
    cnonce: form['sip_auth_cnonce'],
    nc: form['sip_auth_nc'],
  };
}

// The documents mod_xml_curl accepts, and SIPCall's two answers rendered as
// them: a directory entry and a call plan. Everything that goes into markup
// goes through escape(); nothing is pasted in as text. This file is the only
// one that knows the switch's dialplan applications and dial strings.
import type { DirectoryEntry } from '../routing/directory.js';
import type { CallPlan } from '../routing/dialplan.js';
import { sipUserOf } from '../sip/sip-credentials.js';

export type Attrs = Record<string, string | number>;

export function escape(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** One element; children are already-built markup. */
export function el(name: string, attrs: Attrs = {}, ...children: string[]): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');
  return children.length === 0 ? `<${name}${a}/>` : `<${name}${a}>${children.join('')}</${name}>`;
}

export function document(...sections: string[]): string {
  return el('document', { type: 'freeswitch/xml' }, ...sections);
}

/** "I have nothing for this": FreeSWITCH falls back to its static configuration. */
export const NOT_FOUND = document(el('section', { name: 'result' }, el('result', { status: 'not found' })));

export interface Action {
  app: string;
  data?: string;
}

/** A dialplan document with one extension in the call's own context (anything else and the caller gets 404). */
export function dialplan(context: string, actions: readonly Action[]): string {
  return document(
    el(
      'section',
      { name: 'dialplan', description: 'SIPCall routing' },
      el(
        'context',
        { name: context },
        el('extension', { name: 'sipcall' }, el('condition', { field: 'destination_number', expression: '^.*$' }, ...actions.map((a) => el('action', a.data === undefined ? { application: a.app } : { application: a.app, data: a.data })))),
      ),
    ),
  );
}

/**
 * Text from people (display names) that ends up in channel variables. The
 * switch expands `${…}` and `$${…}` in action data, so those characters, and
 * anything outside a plain name, never get there.
 */
export function safeText(value: string, max = 40): string {
  return value
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} .,'_-]/gu, '')
    .trim()
    .slice(0, max);
}

/** What the rendering needs to know of the deployment. */
export interface Deployment {
  sipDomain: string;
  /** The context a user's own calls start in. */
  usersContext: string;
  /** The trunk's gateway name in the switch's external profile. */
  gateway: string;
  /** What the trunk leg is offered, in order. */
  trunkCodecs: readonly string[];
}

/** A user the switch may register and ring: their A1 (when authenticating) and the variables their calls carry. */
export function directoryDocument(entry: DirectoryEntry, at: Deployment): string {
  const { user, a1 } = entry;
  const variables: Array<[string, string]> = [
    ['user_context', at.usersContext],
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
        { name: at.sipDomain },
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
                { id: sipUserOf(user.id) },
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

/** Seconds before a credit-limited call is cut that its caller hears the warning tone. */
export const CREDIT_WARNING_S = 60;
/** Three short high beeps: the call is about to be cut for credit. */
const CREDIT_WARNING_TONE = 'tone_stream://%(300,200,880);loops=3';

/**
 * A call the caller's credit buys `seconds` of: counted from the answer, not
 * from now (ringing costs nothing), by the channel's execute-on-answer
 * variables — the hangup one second early, so that the switch's whole-second
 * billing never bills past what was reserved, and the warning tone to the
 * caller's leg a minute before (at once when the call buys less).
 */
function creditActions(seconds: number): Action[] {
  const end = Math.max(1, seconds - 1);
  return [
    { app: 'set', data: `sipcall_credit_seconds=${seconds}` },
    { app: 'set', data: `execute_on_answer_sipcall_credit_end=sched_hangup +${end} ALLOTTED_TIMEOUT` },
    { app: 'set', data: `execute_on_answer_sipcall_credit_warning=sched_broadcast +${Math.max(1, end - CREDIT_WARNING_S)} ${CREDIT_WARNING_TONE} aleg` },
  ];
}

/** A call plan as dialplan actions: the decision travels in channel variables (and so into the call record). */
export function planDocument(plan: CallPlan, at: Deployment): string {
  return dialplan(plan.context, planActions(plan, at));
}

function planActions(plan: CallPlan, at: Deployment): Action[] {
  const d = plan.decision;
  const set = (name: string, value: string): Action => ({ app: 'set', data: `${name}=${value}` });
  if (d.decision === 'refuse') {
    // The respond reaches the caller as a SIP status, with the reason in an X- header
    // (sip_rh_ variables become headers of the error response) so a browser phone can say why in words.
    return [set('sipcall_decision', 'refuse'), set('sipcall_reason', d.reason), set('sip_rh_X-SIPCall-Reason', d.reason), { app: 'respond', data: `${d.status} ${d.text}` }];
  }
  const actions: Action[] = [set('sipcall_decision', 'allow'), set('sipcall_reason', d.reason), { app: 'export', data: `sipcall_call_id=${plan.callId}` }];
  if (plan.callerUserId) actions.push({ app: 'export', data: `sipcall_user_id=${plan.callerUserId}` });
  actions.push(set('hangup_after_bridge', 'true'));
  if (d.maxSeconds !== null) actions.push({ app: 'sched_hangup', data: `+${d.maxSeconds} ALLOTTED_TIMEOUT` });
  if (d.creditSeconds !== undefined) actions.push(...creditActions(d.creditSeconds));
  if (d.target.kind === 'trunk') {
    actions.push(
      set('sipcall_destination', d.target.number),
      // The trunk leg is offered what the carrier takes, not the browser's codec (the switch would
      // otherwise offer the far leg only what the first leg negotiated, opus, and a G.711 carrier
      // answers with nothing in common); nolocal: this leg keeps what it negotiated, and the switch
      // transcodes between the two.
      { app: 'export', data: `nolocal:absolute_codec_string=${at.trunkCodecs.join(',')}` },
      { app: 'bridge', data: `sofia/gateway/${at.gateway}/${d.target.number}` },
    );
  } else {
    if (plan.inbound) actions.push(set('sipcall_direction', 'inbound'), { app: 'export', data: `sipcall_user_id=${d.target.userId}` });
    // A colleague calling: the person called sees their name and extension, not their SIP user (an id).
    if (plan.callerId) {
      const name = safeText(plan.callerId.name);
      if (name) actions.push(set('effective_caller_id_name', name));
      if (plan.callerId.number && /^[0-9]{1,16}$/.test(plan.callerId.number)) actions.push(set('effective_caller_id_number', plan.callerId.number));
    }
    actions.push(set('call_timeout', '30'), { app: 'bridge', data: `user/${sipUserOf(d.target.userId)}@${at.sipDomain}` });
  }
  return actions;
}

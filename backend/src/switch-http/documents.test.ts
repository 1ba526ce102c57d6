import { describe, expect, it } from 'vitest';
import { refuse } from '../routing/policy.js';
import type { CallPlan } from '../routing/dialplan.js';
import { directoryDocument, planDocument, type Deployment } from './documents.js';

const AT: Deployment = { sipDomain: 'sip.example.com', usersContext: 'default', gateway: 'carrier', trunkCodecs: ['PCMU', 'PCMA'] };
const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const CALL = '33333333-3333-4333-8333-333333333333';
const actionsOf = (xml: string) => [...xml.matchAll(/<action application="([^"]+)"(?: data="([^"]*)")?\/>/g)].map(([, app, data]) => (data === undefined ? app : `${app} ${data}`));
const plan = (over: Partial<CallPlan>): CallPlan => ({ context: 'default', callId: CALL, callerUserId: ALICE, inbound: false, callerId: null, decision: refuse('unknown_caller'), ...over });

describe('call plans as dialplan documents', () => {
  it('bridges an allowed number to the gateway, offering the trunk its codecs', () => {
    const xml = planDocument(plan({ decision: { decision: 'allow', reason: 'allowed', target: { kind: 'trunk', number: '+49301234567', country: 'DE' }, maxSeconds: 600 } }), AT);
    expect(xml).toContain('<context name="default">');
    expect(actionsOf(xml)).toEqual([
      'set sipcall_decision=allow',
      'set sipcall_reason=allowed',
      `export sipcall_call_id=${CALL}`,
      `export sipcall_user_id=${ALICE}`,
      'set hangup_after_bridge=true',
      'sched_hangup +600 ALLOTTED_TIMEOUT',
      'set sipcall_destination=+49301234567',
      'export nolocal:absolute_codec_string=PCMU,PCMA',
      'bridge sofia/gateway/carrier/+49301234567',
    ]);
  });

  it('rings a user on every device they registered, with no codec imposed', () => {
    const xml = planDocument(plan({ decision: { decision: 'allow', reason: 'extension', target: { kind: 'user', userId: BOB }, maxSeconds: 600 } }), AT);
    expect(actionsOf(xml).slice(-2)).toEqual(['set call_timeout=30', `bridge user/${BOB}@sip.example.com`]);
    expect(xml).not.toContain('codec');
  });

  it("shows the person called a colleague's display name and extension; a name cannot smuggle in switch syntax", () => {
    const toBob = { decision: 'allow', reason: 'extension', target: { kind: 'user', userId: BOB }, maxSeconds: 600 } as const;
    const named = actionsOf(planDocument(plan({ callerId: { name: 'Alice Adler', number: '2001' }, decision: toBob }), AT));
    expect(named.slice(-4)).toEqual(['set effective_caller_id_name=Alice Adler', 'set effective_caller_id_number=2001', 'set call_timeout=30', `bridge user/${BOB}@sip.example.com`]);
    const sly = actionsOf(planDocument(plan({ callerId: { name: 'Eve ${system(rm)} $${x}', number: null }, decision: toBob }), AT));
    expect(sly).toContain('set effective_caller_id_name=Eve systemrm x');
    expect(sly.some((a) => a?.startsWith('set effective_caller_id_number'))).toBe(false);
  });

  it('marks a call from the carrier inbound and carries the owner into the record', () => {
    const xml = planDocument(plan({ context: 'public', callerUserId: null, inbound: true, decision: { decision: 'allow', reason: 'did', target: { kind: 'user', userId: BOB }, maxSeconds: 600 } }), AT);
    expect(actionsOf(xml)).toEqual(expect.arrayContaining(['set sipcall_direction=inbound', `export sipcall_user_id=${BOB}`]));
    expect(actionsOf(xml)).not.toContain(`export sipcall_user_id=${ALICE}`);
  });

  it('refuses with the SIP status and says why in a header the browser reads', () => {
    expect(actionsOf(planDocument(plan({ decision: refuse('premium_rate') }), AT))).toEqual([
      'set sipcall_decision=refuse',
      'set sipcall_reason=premium_rate',
      'set sip_rh_X-SIPCall-Reason=premium_rate',
      'respond 403 Forbidden',
    ]);
  });

  it("cuts a call at what the caller's credit buys, counted from the answer, with a warning tone a minute before", () => {
    const xml = planDocument(plan({ decision: { decision: 'allow', reason: 'allowed', target: { kind: 'trunk', number: '+49301234567', country: 'DE' }, maxSeconds: 3600, creditSeconds: 180 } }), AT);
    expect(actionsOf(xml)).toEqual(
      expect.arrayContaining([
        'sched_hangup +3600 ALLOTTED_TIMEOUT',
        'set sipcall_credit_seconds=180',
        'set execute_on_answer_sipcall_credit_end=sched_hangup +179 ALLOTTED_TIMEOUT',
        'set execute_on_answer_sipcall_credit_warning=sched_broadcast +119 tone_stream://%(300,200,880);loops=3 aleg',
      ]),
    );
    const short = actionsOf(planDocument(plan({ decision: { decision: 'allow', reason: 'allowed', target: { kind: 'trunk', number: '+49301234567', country: 'DE' }, maxSeconds: 3600, creditSeconds: 30 } }), AT));
    expect(short).toContain('set execute_on_answer_sipcall_credit_warning=sched_broadcast +1 tone_stream://%(300,200,880);loops=3 aleg');
    expect(actionsOf(planDocument(plan({ decision: { decision: 'allow', reason: 'allowed', target: { kind: 'trunk', number: '+49301234567', country: 'DE' }, maxSeconds: 600 } }), AT)).join()).not.toContain('credit');
  });

  it('refuses a call the credit does not pay for with 402 and the reason in the header', () => {
    expect(actionsOf(planDocument(plan({ decision: refuse('insufficient_credit') }), AT))).toEqual([
      'set sipcall_decision=refuse',
      'set sipcall_reason=insufficient_credit',
      'set sip_rh_X-SIPCall-Reason=insufficient_credit',
      'respond 402 Payment Required',
    ]);
  });

  it('sets no time limit on an emergency call', () => {
    const xml = planDocument(plan({ decision: { decision: 'allow', reason: 'emergency', target: { kind: 'trunk', number: '112', country: null }, maxSeconds: null } }), AT);
    expect(xml).not.toContain('sched_hangup');
  });
});

describe('directory entries', () => {
  const user = { id: ALICE, displayName: 'Alice ${system(id)} <b>', extension: '2001' };

  it('hands the switch the A1 and the variables every call of the user carries; a name cannot smuggle in switch syntax', () => {
    const xml = directoryDocument({ user, a1: 'f'.repeat(32) }, AT);
    expect(xml).toContain(`<user id="${ALICE}"><params><param name="a1-hash" value="${'f'.repeat(32)}"/></params>`);
    expect(xml).toContain('<variable name="user_context" value="default"/>');
    expect(xml).toContain(`<variable name="sipcall_user_id" value="${ALICE}"/>`);
    expect(xml).toContain('<variable name="effective_caller_id_name" value="Alice systemid b"/>');
    expect(xml).toContain('<variable name="effective_caller_id_number" value="2001"/>');
  });

  it('names no credential when only looking a user up', () => {
    const xml = directoryDocument({ user: { ...user, displayName: '${}', extension: null }, a1: null }, AT);
    expect(xml).not.toContain('a1-hash');
    expect(xml).not.toContain('effective_caller_id_number');
    expect(xml).toContain('<variable name="effective_caller_id_name" value="SIPCall"/>');
  });
});

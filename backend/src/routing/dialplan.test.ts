import { describe, expect, it } from 'vitest';
import { ROUTING } from '../../test/support/routing.js';
import { createLogger } from '../logger.js';
import { MemoryState } from '../state/memory.js';
import type { User } from '../users/user.entity.js';
import { MemoryCallSlots } from './call-slots.js';
import { Dialplan, PUBLIC_CONTEXT, type DialplanRequest } from './dialplan.js';

const user = (id: string, over: Partial<User> = {}): User => ({
  id,
  email: `${id}@example.com`,
  displayName: id,
  role: 'user',
  passwordHash: 'x',
  disabled: false,
  extension: null,
  defaultCountry: null,
  privacyMode: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});
const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const CALL = '33333333-3333-4333-8333-333333333333';

/** A dialplan over fake accounts and numbers; `reads` counts account lookups by id. */
function dialplanOf(users: User[], dids: Record<string, string> = {}, over: { failing?: boolean } = {}) {
  const reads: string[] = [];
  const errors: unknown[] = [];
  const log = createLogger('silent');
  log.error = (obj: unknown) => void errors.push(obj);
  const dialplan = new Dialplan({
    policy: ROUTING,
    usersContext: 'default',
    users: {
      findById: async (id) => {
        reads.push(id);
        if (over.failing) throw new Error('database down');
        return users.find((u) => u.id === id) ?? null;
      },
      findByExtension: async (ext) => users.find((u) => u.extension === ext && !u.disabled) ?? null,
    },
    dids: { ownerOf: async (n) => dids[n] ?? null },
    counters: new MemoryState().counters,
    slots: new MemoryCallSlots(),
    log,
  });
  return { dialplan, reads, errors };
}
const call = (over: Partial<DialplanRequest>): DialplanRequest => ({ context: 'default', callId: CALL, destination: '030 1234567', callerUserId: ALICE, sipUser: ALICE, ...over });

describe('the dialplan', () => {
  it('sends an allowed number to the trunk, naming the caller', async () => {
    const { dialplan } = dialplanOf([user(ALICE)]);
    expect(await dialplan.route(call({}))).toEqual({
      routed: true,
      plan: { context: 'default', callId: CALL, callerUserId: ALICE, inbound: false, callerId: null, decision: { decision: 'allow', reason: 'allowed', target: { kind: 'trunk', number: '+49301234567', country: 'DE' }, maxSeconds: 600 } },
    });
  });

  it('rings the owner of an extension', async () => {
    const { dialplan } = dialplanOf([user(ALICE), user(BOB, { extension: '2002' })]);
    const answer = await dialplan.route(call({ destination: '2002' }));
    expect(answer).toMatchObject({ routed: true, plan: { decision: { decision: 'allow', reason: 'extension', target: { kind: 'user', userId: BOB } } } });
  });

  it('names the calling colleague to the person called by display name and extension, never by id', async () => {
    const { dialplan } = dialplanOf([user(ALICE, { displayName: 'Alice Adler', extension: '2001' }), user(BOB, { extension: '2002' })]);
    const answer = await dialplan.route(call({ destination: '2002' }));
    expect(answer).toMatchObject({ routed: true, plan: { callerId: { name: 'Alice Adler', number: '2001' } } });
    // to the trunk and when refused the carrier's caller id rules apply, not a colleague's name
    expect(await dialplan.route(call({}))).toMatchObject({ plan: { callerId: null } });
    expect(await dialplan.route(call({ destination: '0900 123456' }))).toMatchObject({ plan: { callerId: null, decision: { decision: 'refuse' } } });
  });

  it('knows the caller by the SIP user that authenticated when the switch names no SIPCall user', async () => {
    const { dialplan } = dialplanOf([user(ALICE)]);
    const answer = await dialplan.route(call({ callerUserId: undefined }));
    // The decision knows Alice; nothing claims her on the call's other leg.
    expect(answer).toMatchObject({ routed: true, plan: { callerUserId: null, decision: { decision: 'allow' } } });
  });

  it.each([
    ['no caller at all', { callerUserId: undefined, sipUser: undefined }],
    ['a caller that is no user id', { callerUserId: 'alice' }],
    ['a caller who does not exist', { callerUserId: BOB }],
  ])('refuses %s as an unknown caller', async (_what, over) => {
    const { dialplan } = dialplanOf([user(ALICE)]);
    expect(await dialplan.route(call(over))).toMatchObject({ routed: true, plan: { decision: { decision: 'refuse', reason: 'unknown_caller', status: 403 } } });
  });

  it('refuses a disabled caller', async () => {
    const { dialplan } = dialplanOf([user(ALICE, { disabled: true })]);
    expect(await dialplan.route(call({}))).toMatchObject({ routed: true, plan: { decision: { reason: 'unknown_caller' } } });
  });

  it('rings the owner of a number called from the carrier, and claims no caller from the carrier', async () => {
    const { dialplan } = dialplanOf([user(ALICE)], { '+49301110000': BOB });
    expect(await dialplan.route(call({ context: PUBLIC_CONTEXT, destination: '+49301110000', callerUserId: ALICE }))).toEqual({
      routed: true,
      plan: { context: PUBLIC_CONTEXT, callId: CALL, callerUserId: null, inbound: true, callerId: null, decision: { decision: 'allow', reason: 'did', target: { kind: 'user', userId: BOB }, maxSeconds: 600 } },
    });
    expect(await dialplan.route(call({ context: PUBLIC_CONTEXT, destination: '+49309999999' }))).toMatchObject({ routed: true, plan: { decision: { reason: 'unknown_did', status: 404 } } });
  });

  it('leaves a context it does not route to the static configuration', async () => {
    const { dialplan, reads } = dialplanOf([user(ALICE)]);
    expect(await dialplan.route(call({ context: 'evil' }))).toEqual({ routed: false, reason: 'unknown_context' });
    expect(reads).toEqual([]);
  });

  it('refuses the call, and says why in the log, when the decision fails', async () => {
    const { dialplan, errors } = dialplanOf([user(ALICE)], {}, { failing: true });
    expect(await dialplan.route(call({}))).toMatchObject({ routed: true, plan: { decision: { decision: 'refuse', reason: 'routing_error', status: 480 } } });
    expect(errors).toMatchObject([{ callId: CALL }]);
  });

  it('reads a caller once for a burst of calls, and again once they were changed', async () => {
    const { dialplan, reads } = dialplanOf([user(ALICE)]);
    for (let i = 0; i < 5; i++) await dialplan.route(call({ destination: '112' }));
    expect(reads).toEqual([ALICE]);
    dialplan.forgetCaller(ALICE);
    await dialplan.route(call({ destination: '112' }));
    expect(reads).toEqual([ALICE, ALICE]);
  });

  it('previews a number without counting or reserving anything', async () => {
    const { dialplan } = dialplanOf([user(ALICE)]);
    const caller = { id: ALICE, disabled: false, defaultCountry: null };
    for (let i = 0; i < 5; i++) expect(await dialplan.preview(caller, '030 1234567')).toEqual({ kind: 'e164', number: '+49301234567', country: 'DE', allowed: true, reason: 'allowed', rate: null });
    expect(await dialplan.preview(caller, '0900 1234567')).toMatchObject({ allowed: false, reason: 'premium_rate' });
    // The cap of two calls is untouched by the previews.
    for (const id of [1, 2]) expect(await dialplan.route(call({ callId: `00000000-0000-4000-8000-00000000000${id}` }))).toMatchObject({ plan: { decision: { decision: 'allow' } } });
  });
});

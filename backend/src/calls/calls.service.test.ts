// Call control against a stand-in switch: what each answer of the switch
// becomes for the API (status, code, message) and for the metrics, and that
// nothing is sent for a call the actor may not touch.
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { createMetrics } from '../metrics/metrics.js';
import type { CommandTarget } from '../switch/commands.js';
import { SwitchUnavailableError } from '../switch/node.js';
import type { PublicUser } from '../core/identity.js';
import { MemoryLiveCallStore } from './live-call-store.js';
import type { LiveCall } from './live-call.js';
import { CallService, type Actor } from './calls.service.js';

const A = '6e957363-cd81-4598-a9f1-b880e9399fb9';
const B = 'f269d731-a67c-4fa6-877a-c42455552f16';
const user = (id: string, role: PublicUser['role'] = 'user'): Actor => ({
  user: { id, email: `${id}@example.com`, displayName: id, role, disabled: false, extension: null, defaultCountry: null, privacyMode: false, createdAt: new Date(0), updatedAt: new Date(0) },
  ip: null,
});
const ALICE = user('11111111-1111-4111-8111-111111111111');
const BOB = user('22222222-2222-4222-8222-222222222222');

async function setUp(answer: (command: string) => string | Promise<string>) {
  const sent: string[] = [];
  const node: CommandTarget = {
    api: async (command) => {
      sent.push(`api ${command}`);
      return answer(command);
    },
    bgapi: async (command) => {
      sent.push(`bgapi ${command}`);
      return answer(command);
    },
  };
  const store = new MemoryLiveCallStore();
  const metrics = createMetrics();
  const audited: unknown[] = [];
  const calls = new CallService({ switches: { pick: () => node, get: () => node }, store, audit: { record: async (e) => void audited.push(e) }, metrics, context: 'default', originateWaitMs: 50 });
  const live: LiveCall = { id: A, node: 'fs1', legs: [A, B], direction: 'outbound', userId: ALICE.user.id, destination: '+4930123', callerNumber: '1000', state: 'answered', startedAt: '2026-11-21T05:00:00.000Z', answeredAt: '2026-11-21T05:00:01.000Z', lastEventUs: 1 };
  await store.put(live);
  const counted = async (action: string, outcome: string) => (await metrics.callControl.get()).values.find((v) => v.labels.action === action && v.labels.outcome === outcome)?.value ?? 0;
  return { calls, sent, audited, counted };
}

/** What the API would answer for the error. */
async function refusal(work: Promise<unknown>): Promise<{ status: number; code: string; message: string; type: string }> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return { status: err.status, code: err.code, message: err.message, type: err.constructor.name };
}

describe('click-to-call', () => {
  it.each([
    ['USER_NOT_REGISTERED', 409, 'not_registered', 'You have no registered phone or browser to ring first', 'NotRegisteredError'],
    ['USER_BUSY', 409, 'busy', 'Your phone is busy', 'PhoneBusyError'],
    ['NO_ANSWER', 409, 'no_answer', 'Your phone did not answer', 'NoAnswerError'],
    ['NO_USER_RESPONSE', 409, 'no_answer', 'Your phone did not answer', 'NoAnswerError'],
    ['CALL_REJECTED', 403, 'rejected', 'The call was refused', 'CallRejectedError'],
    ['INVALID_GATEWAY', 502, 'originate_failed', 'The switch could not place the call (INVALID_GATEWAY)', 'OriginateFailedError'],
  ])('turns the hangup cause %s into %i %s', async (cause, status, code, message, type) => {
    const t = await setUp(() => `-ERR ${cause}\n`);
    expect(await refusal(t.calls.clickToCall(ALICE, '+4930555000'))).toEqual({ status, code, message, type });
    expect(await t.counted('originate', 'refused')).toBe(1);
  });

  it('says the switch gave no reason when it gave none', async () => {
    const t = await setUp(() => '');
    expect(await refusal(t.calls.clickToCall(ALICE, '+4930555000'))).toMatchObject({ status: 502, code: 'originate_failed', message: 'The switch could not place the call (no reason given)' });
  });

  it('answers pending while the user is still ringing, and counts it', async () => {
    const t = await setUp(() => new Promise<string>(() => undefined));
    const result = await t.calls.clickToCall(ALICE, '+4930555000');
    expect(result).toMatchObject({ call: null, pending: true });
    expect(t.sent).toEqual([expect.stringMatching(new RegExp(`^bgapi originate \\{origination_uuid=${result.id},`))]);
    expect(await t.counted('originate', 'pending')).toBe(1);
  });

  it('turns a switch that is not ready into 503', async () => {
    const t = await setUp(() => {
      throw new SwitchUnavailableError('fs1', 'reconnecting');
    });
    expect(await refusal(t.calls.clickToCall(ALICE, '+4930555000'))).toMatchObject({ status: 503, code: 'unavailable' });
  });
});

describe('acting on a live call', () => {
  it('hangs up with uuid_kill and counts it done', async () => {
    const t = await setUp(() => '+OK\n');
    await t.calls.hangup(ALICE, A);
    expect(t.sent).toEqual([`api uuid_kill ${A}`]);
    expect(await t.counted('hangup', 'ok')).toBe(1);
    expect(t.audited).toEqual([]);
  });

  it('turns "no such channel" into 404 and counts the call gone', async () => {
    const t = await setUp(() => '-ERR No such channel!\n');
    expect(await refusal(t.calls.hold(ALICE, A, true))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await t.counted('hold', 'gone')).toBe(1);
  });

  it("turns any other refusal into 409 switch_refused with the switch's words", async () => {
    const t = await setUp(() => '-ERR Operation failed\n');
    expect(await refusal(t.calls.dtmf(ALICE, A, '5'))).toEqual({ status: 409, code: 'switch_refused', message: 'The switch refused: Operation failed', type: 'SwitchRefusedError' });
    expect(await t.counted('dtmf', 'refused')).toBe(1);
  });

  it('turns a link that is down into 503 and counts it unavailable', async () => {
    const t = await setUp(() => {
      throw new SwitchUnavailableError('fs1', 'lost');
    });
    expect(await refusal(t.calls.transfer(ALICE, A, '+4940987654'))).toMatchObject({ status: 503, code: 'unavailable' });
    expect(await t.counted('transfer', 'unavailable')).toBe(1);
  });

  it("sends nothing for someone else's call", async () => {
    const t = await setUp(() => '+OK\n');
    expect(await refusal(t.calls.hangup(BOB, A))).toMatchObject({ status: 404, code: 'not_found' });
    expect(t.sent).toEqual([]);
  });

  it("audits an admin acting on a user's call", async () => {
    const t = await setUp(() => '+OK\n');
    await t.calls.transfer(user('33333333-3333-4333-8333-333333333333', 'admin'), A, '+4940987654');
    expect(t.sent).toEqual([`api uuid_transfer ${A} -bleg +4940987654 XML default`]);
    expect(t.audited).toMatchObject([{ action: 'call.transfer', target: { type: 'call', id: A }, details: { owner: ALICE.user.id, node: 'fs1', destination: '+4940987654' } }]);
  });
});

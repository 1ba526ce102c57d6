// The live-call registry on both stores, fed with the real captured events of
// a bridged call, and reconciled against channel rows.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CallTracker, ENDED_UNOBSERVED } from '../src/calls/call-tracker.js';
import type { LiveCall } from '../src/calls/live-call.js';
import { MemoryLiveCallStore, RedisLiveCallStore, type LiveCallStore } from '../src/calls/live-call-store.js';
import type { ChannelSummary } from '../src/switch/commands.js';
import { eventFormatOf } from '../src/switch/esl/events.js';
import { decodeChannelEvent, type ChannelEvent } from '../src/switch/events.js';
import { FrameParser } from '../src/switch/esl/frames.js';
import { createMetrics } from '../src/metrics/metrics.js';
import { TEST_REDIS_URL } from './support/env.js';
import { capture } from './support/fixtures.js';
import { silentLogger } from './support/logger.js';

const A = '6e957363-cd81-4598-a9f1-b880e9399fb9';
const B = 'f269d731-a67c-4fa6-877a-c42455552f16';

/** The channel events of a capture, typed as the switch node hands them on. */
function capturedEvents(name: string): ChannelEvent[] {
  const frames = new FrameParser().push(capture(name, 'freeswitch-http'));
  return frames.flatMap((f) => {
    const format = eventFormatOf(f);
    const event = format && f.body ? decodeChannelEvent(format, f.body) : null;
    return event ? [event] : [];
  });
}

const redisClients: Redis[] = [];
const stores: Array<[string, () => LiveCallStore]> = [['memory', () => new MemoryLiveCallStore()]];
const redisUrl = TEST_REDIS_URL;
if (redisUrl) {
  stores.push([
    'redis',
    () => {
      const client = new Redis(redisUrl);
      redisClients.push(client);
      return new RedisLiveCallStore(client, `sipcall-test:${randomBytes(6).toString('hex')}:calls:`);
    },
  ]);
} else {
  console.warn('TEST_REDIS_URL is not set: the live-call registry runs on the in-process store only');
}
afterAll(async () => {
  await Promise.all(redisClients.map((c) => c.quit()));
});

const call = (over: Partial<LiveCall> = {}): LiveCall => ({
  id: A,
  node: 'fs1:8021',
  legs: [A],
  direction: 'outbound',
  userId: '11111111-1111-4111-8111-111111111111',
  destination: '15551234567',
  callerNumber: '1000',
  state: 'ringing',
  startedAt: '2026-11-21T05:00:00.000Z',
  answeredAt: null,
  lastEventUs: 100,
  ...over,
});

describe.each(stores)('live-call store (%s)', (_kind, make) => {
  let store: LiveCallStore;
  beforeEach(() => {
    store = make();
  });

  it('indexes legs, lists by user and node', async () => {
    await store.put(call({ legs: [A, B] }));
    expect(await store.callIdOfLeg(B)).toBe(A);
    expect((await store.list({ userId: '11111111-1111-4111-8111-111111111111' })).map((c) => c.id)).toEqual([A]);
    expect(await store.list({ userId: '22222222-2222-4222-8222-222222222222' })).toEqual([]);
    expect((await store.list({ node: 'fs1:8021' })).map((c) => c.id)).toEqual([A]);
    expect(await store.list({ node: 'fs2:8021' })).toEqual([]);
  });

  it('never lets an older event overwrite a newer one', async () => {
    expect(await store.put(call({ state: 'answered', lastEventUs: 200 }))).toBe(true);
    expect(await store.put(call({ state: 'ringing', lastEventUs: 150 }))).toBe(false);
    expect((await store.get(A))?.state).toBe('answered');
  });

  it('hands a removed call to exactly one of many concurrent removers', async () => {
    await store.put(call({ legs: [A, B] }));
    const results = await Promise.all(Array.from({ length: 8 }, () => store.remove(A)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await store.callIdOfLeg(B)).toBeNull();
    expect(await store.list()).toEqual([]);
  });

  it('moves a call between users when its owner becomes known', async () => {
    await store.put(call({ userId: null, lastEventUs: 1 }));
    await store.put(call({ lastEventUs: 2 }));
    expect((await store.list({ userId: '11111111-1111-4111-8111-111111111111' })).map((c) => c.id)).toEqual([A]);
  });
});

describe.each(stores)('call tracker (%s store)', (_kind, make) => {
  let store: LiveCallStore;
  let tracker: CallTracker;
  let changes: LiveCall[];
  let ended: Array<[LiveCall, string]>;
  beforeEach(() => {
    store = make();
    tracker = new CallTracker({ store, metrics: createMetrics(), log: silentLogger });
    changes = [];
    ended = [];
    tracker.subscribe({ changed: (c) => changes.push(c), ended: (c, cause) => ended.push([c, cause]) });
  });

  it('follows the real bridged call from creation to ALLOTTED_TIMEOUT', async () => {
    const events = capturedEvents('esl-dialplan-sched-hangup-json.raw');
    const beforeHangup = events.findIndex((e) => e.name === 'CHANNEL_HANGUP');
    for (const e of events.slice(0, beforeHangup)) await tracker.apply('vm:8021', e);
    const live = await store.get(A);
    expect(live).toMatchObject({ id: A, legs: [A, B], state: 'answered', destination: '15551234567', callerNumber: '1000', direction: 'outbound', node: 'vm:8021' });
    expect(live!.answeredAt).not.toBeNull();
    expect(changes.map((c) => c.state)).toEqual(['ringing', 'ringing', 'answered']);

    for (const e of events.slice(beforeHangup)) await tracker.apply('vm:8021', e);
    expect(await store.get(A)).toBeNull();
    expect(ended).toHaveLength(1);
    expect(ended[0]![1]).toBe('ALLOTTED_TIMEOUT');
    // replaying the same events changes nothing and ends nothing twice
    for (const e of events.slice(beforeHangup)) await tracker.apply('vm:8021', e);
    expect(ended).toHaveLength(1);
  });

  it('closes a refused call once, with its cause', async () => {
    for (const e of capturedEvents('esl-dialplan-refuse-json.raw')) await tracker.apply('vm:8021', e);
    expect(ended.map(([, cause]) => cause)).toEqual(['CALL_REJECTED']);
    expect(await store.list()).toEqual([]);
  });

  it('reconciles: ends what vanished, keeps what stayed, adopts what it never saw', async () => {
    const gone = '00000000-0000-4000-8000-000000000001';
    const stays = '00000000-0000-4000-8000-000000000002';
    const fresh = '00000000-0000-4000-8000-000000000003';
    const freshB = '00000000-0000-4000-8000-000000000004';
    await store.put(call({ id: gone, legs: [gone] }));
    await store.put(call({ id: stays, legs: [stays], state: 'ringing' }));
    const row = (uuid: string, over: Partial<ChannelSummary> = {}): ChannelSummary => ({ uuid, callUuid: uuid, fromTrunk: false, createdUs: 1795237083e6, callerNumber: '1000', destination: '4930', accountcode: null, callState: 'answered', ...over });
    const result = await tracker.reconcileChannels('fs1:8021', [
      row(stays),
      row(fresh, { accountcode: '33333333-3333-4333-8333-333333333333' }),
      row(freshB, { callUuid: fresh }),
    ]);
    expect(result).toEqual({ kept: 1, added: 1, ended: 1 });
    expect(ended.map(([c, cause]) => [c.id, cause])).toEqual([[gone, ENDED_UNOBSERVED]]);
    expect((await store.get(stays))?.state).toBe('answered');
    expect(await store.get(fresh)).toMatchObject({ legs: [fresh, freshB], userId: '33333333-3333-4333-8333-333333333333', state: 'answered', startedAt: '2026-11-21T04:58:03.000Z' });
    // a second reconciliation with the same rows changes nothing
    expect(await tracker.reconcileChannels('fs1:8021', [row(stays), row(fresh), row(freshB, { callUuid: fresh })])).toEqual({ kept: 2, added: 0, ended: 0 });
  });
});

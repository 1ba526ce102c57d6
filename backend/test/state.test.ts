import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryState } from '../src/state/memory.js';
import { RedisState } from '../src/state/redis.js';
import type { SharedState } from '../src/state/state.js';
import { TEST_REDIS_URL } from './support/env.js';
import { silentLogger } from './support/logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const implementations: Array<[string, () => SharedState]> = [['memory', () => new MemoryState()]];
const redisUrl = TEST_REDIS_URL;
if (redisUrl) {
  implementations.push(['redis', () => new RedisState({ url: redisUrl, prefix: `sipcall-test:${randomBytes(6).toString('hex')}:`, log: silentLogger })]);
} else {
  console.warn('TEST_REDIS_URL is not set: the shared-state contract runs on the in-process implementation only');
}

describe.each(implementations)('shared state (%s)', (_kind, make) => {
  let state: SharedState;
  beforeAll(() => {
    state = make();
  });
  afterAll(() => state.close());

  it('answers ping', async () => {
    await expect(state.ping()).resolves.toBeUndefined();
  });

  it('stores and deletes values', async () => {
    await state.kv.set('k1', 'v1');
    expect(await state.kv.get('k1')).toBe('v1');
    await state.kv.delete('k1');
    expect(await state.kv.get('k1')).toBeNull();
  });

  it('forgets a value after its TTL', async () => {
    await state.kv.set('ttl', 'soon gone', 80);
    expect(await state.kv.get('ttl')).toBe('soon gone');
    await sleep(150);
    expect(await state.kv.get('ttl')).toBeNull();
  });

  it('sets only when absent', async () => {
    expect(await state.kv.setIfAbsent('once', 'a', 10_000)).toBe(true);
    expect(await state.kv.setIfAbsent('once', 'b', 10_000)).toBe(false);
    expect(await state.kv.get('once')).toBe('a');
  });

  it('counts hits in a window that resets', async () => {
    const first = await state.counters.hit('c1', 200);
    const second = await state.counters.hit('c1', 200);
    expect([first.count, second.count]).toEqual([1, 2]);
    expect(second.resetAt.getTime()).toBeGreaterThan(Date.now());
    expect(second.resetAt.getTime()).toBeLessThanOrEqual(Date.now() + 250);
    await sleep(260);
    expect((await state.counters.hit('c1', 200)).count).toBe(1);
  });

  it('decrements without going below zero, and resets', async () => {
    expect(await state.counters.peek('c2')).toBeNull();
    await state.counters.hit('c2', 10_000);
    await state.counters.hit('c2', 10_000);
    // peeking counts nothing
    expect((await state.counters.peek('c2'))?.count).toBe(2);
    expect((await state.counters.peek('c2'))?.count).toBe(2);
    await state.counters.decrement('c2');
    expect((await state.counters.hit('c2', 10_000)).count).toBe(2);
    await state.counters.reset('c2');
    await state.counters.decrement('c2');
    expect((await state.counters.hit('c2', 10_000)).count).toBe(1);
  });

  it('counts concurrent hits exactly', async () => {
    const hits = await Promise.all(Array.from({ length: 50 }, () => state.counters.hit('c3', 10_000)));
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('delivers published messages to subscribers until they unsubscribe', async () => {
    const got: string[] = [];
    const unsubscribe = await state.pubsub.subscribe('chan', (m) => got.push(m));
    await state.pubsub.publish('chan', 'one');
    await state.pubsub.publish('other', 'not for us');
    await waitFor(() => got.length === 1);
    await unsubscribe();
    await state.pubsub.publish('chan', 'two');
    await sleep(50);
    expect(got).toEqual(['one']);
  });
});

async function waitFor(cond: () => boolean, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}

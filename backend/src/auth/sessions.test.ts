import { describe, expect, it } from 'vitest';
import { MemoryState } from '../state/memory.js';
import { silentLogger } from '../../test/support/logger.js';
import { LIVE_CACHE_MS, Sessions, type SessionEnd } from './sessions.js';

const ANN = '00000000-0000-4000-8000-00000000000a';
const S1 = '00000000-0000-4000-8000-000000000001';
const S2 = '00000000-0000-4000-8000-000000000002';

/** The refresh-token table as far as sessions use it: which families are alive, how often it was asked, and revoking them. */
function tokenTable(alive: Set<string>) {
  const asked: string[] = [];
  return {
    asked,
    alive,
    familyIsLive: (familyId: string, userId: string) => {
      asked.push(familyId);
      return Promise.resolve(userId === ANN && alive.has(familyId));
    },
    /** Every family here is Ann's. */
    revokeAllForUser: (userId: string) => {
      const revoked = userId === ANN ? alive.size : 0;
      if (userId === ANN) alive.clear();
      return Promise.resolve(revoked);
    },
  };
}

/** Two replicas: their own memory, one channel between them. */
async function replicas(alive: Set<string>) {
  const state = new MemoryState();
  let now = 1_000_000;
  const table = tokenTable(alive);
  const make = () => new Sessions({ refreshTokens: table, pubsub: state.pubsub, log: silentLogger, now: () => now });
  const a = make();
  const b = make();
  await a.start();
  await b.start();
  return { a, b, table, advance: (ms: number) => (now += ms) };
}

describe('sessions', () => {
  it('believes a live session for a moment, then asks again', async () => {
    const { a, table, advance } = await replicas(new Set([S1]));
    expect(await a.isLive(S1, ANN)).toBe(true);
    expect(await a.isLive(S1, ANN)).toBe(true);
    expect(table.asked).toEqual([S1]);
    advance(LIVE_CACHE_MS + 1);
    table.alive.delete(S1);
    expect(await a.isLive(S1, ANN)).toBe(false);
    expect(table.asked).toEqual([S1, S1]);
  });

  it('never remembers an ended session, nor a session under another user', async () => {
    const { a, table } = await replicas(new Set([S1]));
    expect(await a.isLive(S2, ANN)).toBe(false);
    expect(await a.isLive(S2, ANN)).toBe(false);
    expect(await a.isLive(S1, '00000000-0000-4000-8000-00000000000b')).toBe(false);
    expect(table.asked).toEqual([S2, S2, S1]);
  });

  it('stops believing at once when another replica announces the end, and tells the listeners', async () => {
    const { a, b, table } = await replicas(new Set([S1, S2]));
    await a.isLive(S1, ANN);
    await a.isLive(S2, ANN);
    const heard: SessionEnd[] = [];
    a.onEnded((end) => heard.push(end));
    table.alive.delete(S1);
    await b.ended({ userId: ANN, sessionId: S1 });
    expect(heard).toEqual([{ userId: ANN, sessionId: S1 }]);
    expect(await a.isLive(S1, ANN)).toBe(false);
    // the other session of the same user is still believed without asking
    const asked = table.asked.length;
    expect(await a.isLive(S2, ANN)).toBe(true);
    expect(table.asked.length).toBe(asked);
  });

  it('drops every session of a user whose sessions all ended', async () => {
    const { a, b, table } = await replicas(new Set([S1, S2]));
    await a.isLive(S1, ANN);
    await a.isLive(S2, ANN);
    table.alive.clear();
    await b.ended({ userId: ANN });
    expect(await a.isLive(S1, ANN)).toBe(false);
    expect(await a.isLive(S2, ANN)).toBe(false);
  });

  it('drops every session of a user but the one kept (a password changed from it), on the other replicas too', async () => {
    const { a, b, table } = await replicas(new Set([S1, S2]));
    await a.isLive(S1, ANN);
    await a.isLive(S2, ANN);
    const heard: SessionEnd[] = [];
    a.onEnded((end) => heard.push(end));
    table.alive.delete(S2);
    await b.ended({ userId: ANN, exceptSessionId: S1 });
    expect(heard).toEqual([{ userId: ANN, exceptSessionId: S1 }]);
    const asked = table.asked.length;
    expect(await a.isLive(S1, ANN)).toBe(true);
    expect(table.asked.length).toBe(asked);
    expect(await a.isLive(S2, ANN)).toBe(false);
  });

  it('ignores announcements that are not well-formed', async () => {
    const state = new MemoryState();
    const sessions = new Sessions({ refreshTokens: tokenTable(new Set()), pubsub: state.pubsub, log: silentLogger });
    await sessions.start();
    const heard: SessionEnd[] = [];
    sessions.onEnded((end) => heard.push(end));
    for (const message of ['not json', '{}', JSON.stringify({ userId: 'ann' }), JSON.stringify({ userId: ANN, sessionId: 42 }), 'null']) {
      await state.pubsub.publish('auth:sessions-ended', message);
    }
    expect(heard).toEqual([]);
    await state.pubsub.publish('auth:sessions-ended', JSON.stringify({ userId: ANN }));
    expect(heard).toEqual([{ userId: ANN }]);
  });
});

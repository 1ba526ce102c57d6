// Concurrent-call caps, enforced atomically across backend replicas: a call
// takes a slot before it is bridged and gives it back when it ends (hangup,
// or reconciliation finding it gone). Slots also expire after the longest
// call allowed, so a lost "ended" can never lock a user out for good.
import type { Redis } from 'ioredis';
import { RedisState, redisCommand } from '../state/redis.js';
import type { SharedState } from '../state/state.js';

export type SlotResult = 'ok' | 'user_cap' | 'global_cap';

export interface CallSlots {
  /** Takes a slot for the call; asking again for the same call is a no-op 'ok'. */
  acquire(input: { callId: string; userId: string; userCap: number; globalCap: number; ttlMs: number }): Promise<SlotResult>;
  release(callId: string): Promise<void>;
  count(userId?: string): Promise<number>;
}

export function openCallSlots(state: SharedState): CallSlots {
  return state instanceof RedisState ? new RedisCallSlots(state.client, `${state.prefix}slots:`) : new MemoryCallSlots();
}

export class MemoryCallSlots implements CallSlots {
  private readonly slots = new Map<string, { userId: string; expiresAt: number }>();
  private readonly byUser = new Map<string, Set<string>>();

  async acquire(input: { callId: string; userId: string; userCap: number; globalCap: number; ttlMs: number }): Promise<SlotResult> {
    const now = Date.now();
    if (this.slots.has(input.callId)) return 'ok';
    // Expired slots are dropped only when a cap is in sight, so a decision stays O(1).
    if ((this.byUser.get(input.userId)?.size ?? 0) >= input.userCap) this.expire(now, input.userId);
    if ((this.byUser.get(input.userId)?.size ?? 0) >= input.userCap) return 'user_cap';
    if (this.slots.size >= input.globalCap) this.expire(now);
    if (this.slots.size >= input.globalCap) return 'global_cap';
    this.slots.set(input.callId, { userId: input.userId, expiresAt: now + input.ttlMs });
    let mine = this.byUser.get(input.userId);
    if (!mine) this.byUser.set(input.userId, (mine = new Set()));
    mine.add(input.callId);
    return 'ok';
  }

  async release(callId: string): Promise<void> {
    const slot = this.slots.get(callId);
    if (!slot) return;
    this.slots.delete(callId);
    const mine = this.byUser.get(slot.userId);
    mine?.delete(callId);
    if (mine?.size === 0) this.byUser.delete(slot.userId);
  }

  async count(userId?: string): Promise<number> {
    this.expire(Date.now(), userId);
    return userId === undefined ? this.slots.size : (this.byUser.get(userId)?.size ?? 0);
  }

  private expire(now: number, userId?: string): void {
    const ids = userId === undefined ? [...this.slots.keys()] : [...(this.byUser.get(userId) ?? [])];
    for (const id of ids) if ((this.slots.get(id)?.expiresAt ?? Infinity) <= now) void this.release(id);
  }
}

// ARGV: prefix, now, callId, userId, userCap, globalCap, ttlMs
const ACQUIRE = `
local p, now, call, user = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local ukey, akey = p .. 'user:' .. user, p .. 'all'
redis.call('ZREMRANGEBYSCORE', ukey, '-inf', now)
redis.call('ZREMRANGEBYSCORE', akey, '-inf', now)
if redis.call('ZSCORE', akey, call) then return 'ok' end
if redis.call('ZCARD', ukey) >= tonumber(ARGV[5]) then return 'user_cap' end
if redis.call('ZCARD', akey) >= tonumber(ARGV[6]) then return 'global_cap' end
local expires = now + tonumber(ARGV[7])
redis.call('ZADD', ukey, expires, call)
redis.call('ZADD', akey, expires, call)
redis.call('PEXPIRE', ukey, ARGV[7])
redis.call('SET', p .. 'call:' .. call, user, 'PX', ARGV[7])
return 'ok'`;

const RELEASE = `
local p, call = ARGV[1], ARGV[2]
local user = redis.call('GET', p .. 'call:' .. call)
if user then redis.call('ZREM', p .. 'user:' .. user, call) end
redis.call('ZREM', p .. 'all', call)
redis.call('DEL', p .. 'call:' .. call)
return 1`;

export class RedisCallSlots implements CallSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(input: { callId: string; userId: string; userCap: number; globalCap: number; ttlMs: number }): Promise<SlotResult> {
    return (await redisCommand(this.redis.eval(ACQUIRE, 0, this.prefix, String(Date.now()), input.callId, input.userId, String(input.userCap), String(input.globalCap), String(input.ttlMs)))) as SlotResult;
  }

  async release(callId: string): Promise<void> {
    await redisCommand(this.redis.eval(RELEASE, 0, this.prefix, callId));
  }

  async count(userId?: string): Promise<number> {
    const key = userId === undefined ? `${this.prefix}all` : `${this.prefix}user:${userId}`;
    return redisCommand(this.redis.zcount(key, `(${Date.now()}`, '+inf'));
  }
}

// The live-call registry, shared by backend replicas through Redis (or kept
// in process for a single node). Writes are ordered by the switch's event
// time, so two replicas applying the same events in different interleavings
// converge; removal returns the call to exactly one caller, so "call ended"
// side effects happen once.
import type { Redis } from 'ioredis';
import { RedisState, redisCommand } from '../state/redis.js';
import type { SharedState } from '../state/state.js';
import type { LiveCall } from './live-call.js';

export interface LiveCallFilter {
  userId?: string;
  node?: string;
}

export interface LiveCallStore {
  get(id: string): Promise<LiveCall | null>;
  callIdOfLeg(uuid: string): Promise<string | null>;
  /** Stores the call and indexes its legs, unless the stored copy reflects a later event. True when written. */
  put(call: LiveCall): Promise<boolean>;
  /** Removes the call; only the first of concurrent removers gets it back. */
  remove(id: string): Promise<LiveCall | null>;
  list(filter?: LiveCallFilter): Promise<LiveCall[]>;
}

export function openLiveCallStore(state: SharedState): LiveCallStore {
  return state instanceof RedisState ? new RedisLiveCallStore(state.client, `${state.prefix}calls:`) : new MemoryLiveCallStore();
}

export class MemoryLiveCallStore implements LiveCallStore {
  private readonly calls = new Map<string, LiveCall>();
  private readonly legs = new Map<string, string>();

  async get(id: string) {
    return this.calls.get(id) ?? null;
  }

  async callIdOfLeg(uuid: string) {
    return this.legs.get(uuid) ?? null;
  }

  async put(call: LiveCall) {
    const current = this.calls.get(call.id);
    if (current && current.lastEventUs > call.lastEventUs) return false;
    this.calls.set(call.id, call);
    for (const leg of call.legs) this.legs.set(leg, call.id);
    return true;
  }

  async remove(id: string) {
    const call = this.calls.get(id);
    if (!call) return null;
    this.calls.delete(id);
    for (const leg of call.legs) if (this.legs.get(leg) === id) this.legs.delete(leg);
    return call;
  }

  async list(filter: LiveCallFilter = {}) {
    return [...this.calls.values()].filter((c) => (filter.userId === undefined || c.userId === filter.userId) && (filter.node === undefined || c.node === filter.node));
  }
}

// KEYS: none (single-instance keyspace under one prefix). ARGV: prefix, json, id, lastEventUs, userId, node, legs...
const PUT = `
local p = ARGV[1]
local key = p .. 'call:' .. ARGV[3]
local cur = redis.call('GET', key)
if cur then
  local c = cjson.decode(cur)
  if tonumber(c.lastEventUs) > tonumber(ARGV[4]) then return 0 end
  if c.userId ~= cjson.null and c.userId ~= ARGV[5] then redis.call('SREM', p .. 'user:' .. c.userId, ARGV[3]) end
end
redis.call('SET', key, ARGV[2])
redis.call('SADD', p .. 'all', ARGV[3])
redis.call('SADD', p .. 'node:' .. ARGV[6], ARGV[3])
if ARGV[5] ~= '' then redis.call('SADD', p .. 'user:' .. ARGV[5], ARGV[3]) end
for i = 7, #ARGV do redis.call('SET', p .. 'leg:' .. ARGV[i], ARGV[3], 'EX', 86400) end
return 1`;

const REMOVE = `
local p = ARGV[1]
local key = p .. 'call:' .. ARGV[2]
local cur = redis.call('GET', key)
if not cur then return false end
redis.call('DEL', key)
local c = cjson.decode(cur)
redis.call('SREM', p .. 'all', ARGV[2])
redis.call('SREM', p .. 'node:' .. c.node, ARGV[2])
if c.userId ~= cjson.null then redis.call('SREM', p .. 'user:' .. c.userId, ARGV[2]) end
for _, leg in ipairs(c.legs) do
  if redis.call('GET', p .. 'leg:' .. leg) == ARGV[2] then redis.call('DEL', p .. 'leg:' .. leg) end
end
return cur`;

export class RedisLiveCallStore implements LiveCallStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(id: string) {
    const raw = await redisCommand(this.redis.get(`${this.prefix}call:${id}`));
    return raw ? (JSON.parse(raw) as LiveCall) : null;
  }

  callIdOfLeg(uuid: string) {
    return redisCommand(this.redis.get(`${this.prefix}leg:${uuid}`));
  }

  async put(call: LiveCall) {
    const written = await redisCommand(this.redis.eval(PUT, 0, this.prefix, JSON.stringify(call), call.id, String(call.lastEventUs), call.userId ?? '', call.node, ...call.legs));
    return written === 1;
  }

  async remove(id: string) {
    const raw = (await redisCommand(this.redis.eval(REMOVE, 0, this.prefix, id))) as string | null;
    return raw ? (JSON.parse(raw) as LiveCall) : null;
  }

  async list(filter: LiveCallFilter = {}) {
    const set = filter.userId !== undefined ? `user:${filter.userId}` : filter.node !== undefined ? `node:${filter.node}` : 'all';
    const ids = await redisCommand(this.redis.smembers(this.prefix + set));
    if (ids.length === 0) return [];
    const raws = await redisCommand(this.redis.mget(ids.map((id) => `${this.prefix}call:${id}`)));
    return raws
      .filter((r): r is string => r !== null)
      .map((r) => JSON.parse(r) as LiveCall)
      .filter((c) => (filter.node === undefined || c.node === filter.node) && (filter.userId === undefined || c.userId === filter.userId));
  }
}

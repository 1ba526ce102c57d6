import { Redis, ReplyError } from 'ioredis';
import type { Logger } from '../logger.js';
import { SharedStateUnavailableError, type CounterHit, type CounterStore, type KeyValueStore, type PubSub, type SharedState, type Unsubscribe } from './state.js';

/**
 * A Redis command, with "could not reach Redis" (the client gave up, the
 * connection is closed) told apart from a command Redis refused: the first
 * becomes a SharedStateUnavailableError, the second stays what it is (a bug).
 */
export async function redisCommand<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (err) {
    throw err instanceof ReplyError ? err : new SharedStateUnavailableError(err);
  }
}

// INCR and arm the window's expiry in one step, so a crash between the two
// can never leave a counter that never resets.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const DECREMENT_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v and tonumber(v) > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

export interface RedisStateOptions {
  url: string;
  /** Prefix of every key and channel, so several deployments can share one Redis. */
  prefix?: string;
  log: Logger;
}

export class RedisState implements SharedState {
  readonly kind = 'redis' as const;
  readonly kv: KeyValueStore;
  readonly counters: CounterStore;
  readonly pubsub: PubSub;
  /** For domain stores that need more than the small interfaces (the live-call registry). */
  readonly client: Redis;
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  readonly prefix: string;

  constructor(private readonly options: RedisStateOptions) {
    this.prefix = options.prefix ?? 'sipcall:';
    this.client = this.connect('main');
    const k = (key: string) => this.prefix + key;

    this.kv = {
      get: (key) => redisCommand(this.client.get(k(key))),
      set: async (key, value, ttlMs) => {
        if (ttlMs === undefined) await redisCommand(this.client.set(k(key), value));
        else await redisCommand(this.client.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs))));
      },
      setIfAbsent: async (key, value, ttlMs) => {
        const r =
          ttlMs === undefined
            ? await redisCommand(this.client.set(k(key), value, 'NX'))
            : await redisCommand(this.client.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
        return r === 'OK';
      },
      delete: async (key) => {
        await redisCommand(this.client.del(k(key)));
      },
    };

    this.counters = {
      hit: async (key, windowMs): Promise<CounterHit> => {
        const [count, ttl] = (await redisCommand(this.client.eval(HIT_SCRIPT, 1, k(key), String(Math.ceil(windowMs))))) as [number, number];
        return { count, resetAt: new Date(Date.now() + ttl) };
      },
      peek: async (key): Promise<CounterHit | null> => {
        const [count, ttl] = await redisCommand(this.client.multi().get(k(key)).pttl(k(key)).exec().then((r) => [r?.[0]?.[1], r?.[1]?.[1]] as [string | null, number]));
        return count === null || ttl < 0 ? null : { count: Number(count), resetAt: new Date(Date.now() + ttl) };
      },
      decrement: async (key) => {
        await redisCommand(this.client.eval(DECREMENT_SCRIPT, 1, k(key)));
      },
      reset: async (key) => {
        await redisCommand(this.client.del(k(key)));
      },
    };

    this.pubsub = {
      publish: async (channel, message) => {
        await redisCommand(this.client.publish(k(channel), message));
      },
      subscribe: async (channel, handler): Promise<Unsubscribe> => {
        const sub = this.ensureSubscriber();
        const full = k(channel);
        let set = this.handlers.get(full);
        if (!set) {
          this.handlers.set(full, (set = new Set()));
          // Redis away now: the subscriber subscribes when it (re)connects (see ensureSubscriber).
          await redisCommand(sub.subscribe(full)).catch((err: unknown) => this.options.log.warn({ err: err instanceof Error ? err.message : String(err), channel }, 'subscribing failed; will subscribe once Redis is back'));
        }
        const wrapped = (m: string) => handler(m);
        set.add(wrapped);
        return async () => {
          set.delete(wrapped);
          if (set.size === 0 && this.handlers.get(full) === set) {
            this.handlers.delete(full);
            // Redis away: nothing to undo there, and the ready handler no longer names the channel.
            await sub.unsubscribe(full).catch(() => undefined);
          }
        };
      },
    };
  }

  async ping(): Promise<void> {
    await redisCommand(this.client.ping());
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.all([this.client.quit().catch(() => undefined), this.subscriber?.quit().catch(() => undefined)]);
  }

  private connect(role: string): Redis {
    const client = new Redis(this.options.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      enableOfflineQueue: true,
    });
    client.on('error', (err: Error) => this.options.log.warn({ err: err.message, role }, 'redis connection error'));
    return client;
  }

  private ensureSubscriber(): Redis {
    if (!this.subscriber) {
      const sub = this.connect('subscriber');
      sub.on('message', (channel: string, message: string) => {
        for (const h of this.handlers.get(channel) ?? []) h(message);
      });
      // On every (re)connect, every channel someone listens on: a SUBSCRIBE that failed while
      // Redis was away is made good, and one already in place is harmless to repeat.
      sub.on('ready', () => {
        const channels = [...this.handlers.keys()];
        if (channels.length > 0) sub.subscribe(...channels).catch(() => undefined);
      });
      this.subscriber = sub;
    }
    return this.subscriber;
  }
}

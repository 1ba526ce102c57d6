import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { CounterHit, CounterStore, KeyValueStore, PubSub, SharedState, Unsubscribe } from './state.js';

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
      get: (key) => this.client.get(k(key)),
      set: async (key, value, ttlMs) => {
        if (ttlMs === undefined) await this.client.set(k(key), value);
        else await this.client.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      },
      setIfAbsent: async (key, value, ttlMs) => {
        const r =
          ttlMs === undefined
            ? await this.client.set(k(key), value, 'NX')
            : await this.client.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
        return r === 'OK';
      },
      delete: async (key) => {
        await this.client.del(k(key));
      },
    };

    this.counters = {
      hit: async (key, windowMs): Promise<CounterHit> => {
        const [count, ttl] = (await this.client.eval(HIT_SCRIPT, 1, k(key), String(Math.ceil(windowMs)))) as [number, number];
        return { count, resetAt: new Date(Date.now() + ttl) };
      },
      decrement: async (key) => {
        await this.client.eval(DECREMENT_SCRIPT, 1, k(key));
      },
      reset: async (key) => {
        await this.client.del(k(key));
      },
    };

    this.pubsub = {
      publish: async (channel, message) => {
        await this.client.publish(k(channel), message);
      },
      subscribe: async (channel, handler): Promise<Unsubscribe> => {
        const sub = this.ensureSubscriber();
        const full = k(channel);
        let set = this.handlers.get(full);
        if (!set) {
          this.handlers.set(full, (set = new Set()));
          await sub.subscribe(full);
        }
        const wrapped = (m: string) => handler(m);
        set.add(wrapped);
        return async () => {
          set.delete(wrapped);
          if (set.size === 0 && this.handlers.get(full) === set) {
            this.handlers.delete(full);
            await sub.unsubscribe(full);
          }
        };
      },
    };
  }

  async ping(): Promise<void> {
    await this.client.ping();
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
      this.subscriber = sub;
    }
    return this.subscriber;
  }
}

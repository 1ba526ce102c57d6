import type { CounterHit, CounterStore, KeyValueStore, PubSub, SharedState, Unsubscribe } from './state.js';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** In-process state for a single node. Expired entries are dropped on read and by a periodic sweep. */
export class MemoryState implements SharedState {
  readonly kind = 'memory' as const;
  readonly kv: KeyValueStore;
  readonly counters: CounterStore;
  readonly pubsub: PubSub;
  private readonly entries = new Map<string, Entry>();
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();

    const live = (key: string): Entry | undefined => {
      const e = this.entries.get(key);
      if (e && e.expiresAt !== null && e.expiresAt <= this.now()) {
        this.entries.delete(key);
        return undefined;
      }
      return e;
    };
    const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : this.now() + ttlMs);

    this.kv = {
      get: async (key) => live(key)?.value ?? null,
      set: async (key, value, ttlMs) => {
        this.entries.set(key, { value, expiresAt: expiry(ttlMs) });
      },
      setIfAbsent: async (key, value, ttlMs) => {
        if (live(key)) return false;
        this.entries.set(key, { value, expiresAt: expiry(ttlMs) });
        return true;
      },
      delete: async (key) => {
        this.entries.delete(key);
      },
    };

    this.counters = {
      hit: async (key, windowMs): Promise<CounterHit> => {
        const now = this.now();
        let w = this.windows.get(key);
        if (!w || w.resetAt <= now) {
          w = { count: 0, resetAt: now + windowMs };
          this.windows.set(key, w);
        }
        w.count += 1;
        return { count: w.count, resetAt: new Date(w.resetAt) };
      },
      peek: async (key) => {
        const w = this.windows.get(key);
        return w && w.resetAt > this.now() ? { count: w.count, resetAt: new Date(w.resetAt) } : null;
      },
      decrement: async (key) => {
        const w = this.windows.get(key);
        if (w && w.count > 0) w.count -= 1;
      },
      reset: async (key) => {
        this.windows.delete(key);
      },
    };

    this.pubsub = {
      publish: async (channel, message) => {
        // Delivered asynchronously, as Redis would, so publishers never run subscriber code inline.
        for (const handler of this.channels.get(channel) ?? []) queueMicrotask(() => handler(message));
      },
      subscribe: async (channel, handler): Promise<Unsubscribe> => {
        let set = this.channels.get(channel);
        if (!set) this.channels.set(channel, (set = new Set()));
        const wrapped = (m: string) => handler(m);
        set.add(wrapped);
        return async () => {
          set.delete(wrapped);
          if (set.size === 0) this.channels.delete(channel);
        };
      },
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.windows.clear();
    this.channels.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt !== null && e.expiresAt <= now) this.entries.delete(k);
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

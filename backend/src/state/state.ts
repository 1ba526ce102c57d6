// Shared, short-lived state: the small interfaces every replica uses to agree
// (rate-limit counters, key/value with TTL, pub/sub). Redis backs them when
// REDIS_URL is set; otherwise one process keeps them in memory and works alone.
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Sets the value; with a TTL it disappears after that many milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export interface CounterHit {
  count: number;
  resetAt: Date;
}

/** Fixed-window counters, as rate limits need them. */
export interface CounterStore {
  /** Counts one hit in the window that starts with the key's first hit. */
  hit(key: string, windowMs: number): Promise<CounterHit>;
  /** The count in the key's current window, counting nothing; null when no window is open. */
  peek(key: string): Promise<CounterHit | null>;
  decrement(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
}

export interface SharedState {
  readonly kind: 'redis' | 'memory';
  readonly kv: KeyValueStore;
  readonly counters: CounterStore;
  readonly pubsub: PubSub;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The shared store could not be reached (Redis down or unreachable), as
 * opposed to refusing a command. Requests that need it answer 503 with
 * Retry-After; the rest go on.
 */
export class SharedStateUnavailableError extends Error {
  /** How long a client should wait before trying again. */
  readonly retryAfterSeconds = 5;

  constructor(cause: unknown) {
    super('the shared state (Redis) is unreachable', { cause });
    this.name = 'SharedStateUnavailableError';
  }
}

// Rate limits on the shared counter store, so every replica counts the same
// attempts. The client address comes from req.ip, which honours TRUST_PROXY
// and nothing else: a forged X-Forwarded-For cannot buy a fresh window.
import { rateLimit, type Options, type Store } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import type { CounterStore } from '../state/state.js';
import { RateLimitedError } from '../core/errors.js';

class SharedCounterStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly counters: CounterStore,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string) {
    const hit = await this.counters.hit(this.prefix + key, this.windowMs);
    return { totalHits: hit.count, resetTime: hit.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.counters.decrement(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.reset(this.prefix + key);
  }
}

export interface RateLimitOptions {
  name: string;
  max: number;
  windowSeconds: number;
  counters: CounterStore;
  /** Count only failed requests (status >= 400), as login wants. */
  onlyFailures?: boolean;
  /** What is counted: the client address unless said (a signed-in user's id, say). */
  key?: (req: Request) => string;
}

export function rateLimiter(options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: options.onlyFailures ?? false,
    ...(options.key ? { keyGenerator: options.key } : {}),
    store: new SharedCounterStore(options.counters, `ratelimit:${options.name}:`),
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : options.windowSeconds;
      _res.setHeader('Retry-After', String(seconds));
      next(new RateLimitedError(seconds));
    },
  });
}


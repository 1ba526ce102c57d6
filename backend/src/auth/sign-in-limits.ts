// How many failed sign-ins are allowed: from one client address (guessing
// many accounts' passwords), and against one account from any address
// (guessing one account's password from many). Only failures count, and each
// counts before its answer is sent, so the next attempt always sees it; good
// sign-ins never count, however many arrive at once from one office.
import { RateLimitedError } from '../core/errors.js';
import type { CounterStore } from '../state/state.js';

export interface Limit {
  max: number;
  windowSeconds: number;
}

export class SignInLimits {
  constructor(private readonly deps: { counters: CounterStore; perAddress: Limit; perAccount: Limit }) {}

  /** Refuses (429, with the seconds to wait) while the address or the account is over its limit. */
  async check(address: string, account: string | null): Promise<void> {
    const [byAddress, byAccount] = await Promise.all([this.over(addressKey(address), this.deps.perAddress), account === null ? null : this.over(accountKey(account), this.deps.perAccount)]);
    const wait = Math.max(byAddress ?? 0, byAccount ?? 0);
    if (wait > 0) throw new RateLimitedError(wait);
  }

  /** A failed attempt: counts against the address, and against the account when credentials were wrong. */
  async failed(address: string, account: string | null): Promise<void> {
    await Promise.all([
      this.deps.counters.hit(addressKey(address), this.deps.perAddress.windowSeconds * 1000),
      account === null ? null : this.deps.counters.hit(accountKey(account), this.deps.perAccount.windowSeconds * 1000),
    ]);
  }

  /** Seconds until the key's window ends, when it is over its limit; null when it is not. */
  private async over(key: string, limit: Limit): Promise<number | null> {
    const seen = await this.deps.counters.peek(key);
    if (!seen || seen.count < limit.max) return null;
    return Math.max(1, Math.ceil((seen.resetAt.getTime() - Date.now()) / 1000));
  }
}

const addressKey = (address: string) => `sign-in:address:${address}`;
const accountKey = (account: string) => `sign-in:account:${account.toLowerCase()}`;

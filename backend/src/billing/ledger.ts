// Accounts and the ledger: who pays for a user's calls (their own account or
// one a team shares; prepaid with a balance, or postpaid with optional spend
// limits), credit put in by admins and vouchers, and the money of a trunk
// call — what its allowed time costs held when the dialplan lets it through,
// the exact price captured and the rest released when it ends, once, however
// often and in whatever order its record and its hangup arrive. A prepaid
// balance can never be overspent: the allowance is what the free balance buys,
// taken under the account's row lock, and the database refuses a negative one.
import { createHash, randomBytes } from 'node:crypto';
import type { AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { ActionContext } from '../users/users.service.js';
import { OverspentError, type Account, type AccountMode, type LedgerRepository, type LedgerTransaction, type Reservation } from './ledger-repository.js';
import { affordableSeconds, priceOf, type RateRow } from './rating.js';

/** The cause every entry of a call's money names. */
const callCause = (callUuid: string) => `call:${callUuid}`;
/** Vouchers: 16 letters and digits from an alphabet without look-alikes, shown in groups of four. */
const VOUCHER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const VOUCHER_LENGTH = 16;
export const MAX_VOUCHERS = 1_000;

export const voucherHash = (code: string) => createHash('sha256').update(normaliseVoucher(code)).digest('hex');
const normaliseVoucher = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

function newVoucherCode(): string {
  const bytes = randomBytes(VOUCHER_LENGTH);
  const chars = [...bytes].map((b) => VOUCHER_ALPHABET[b % VOUCHER_ALPHABET.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

export interface Terms {
  mode: AccountMode;
  /** Micros a day / a calendar month (UTC) a postpaid account may spend; null: no limit. */
  dailyLimit: number | null;
  monthlyLimit: number | null;
}

export interface LedgerDeps {
  repo: LedgerRepository;
  /** The sell row a number is priced by now. */
  sellRow(e164: string): Promise<RateRow | null>;
  audit: AuditService;
  currency: string;
  clock?: () => Date;
}

const startOfDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
const startOfMonth = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));

/**
 * How long which account a user is billed to (and its mode) is reused between
 * decisions: most users have none, and asking the database on every call
 * would cost the dialplan most of its speed. A change made here drops the
 * entry at once; one made on another replica bites within this time. The
 * balance itself is never cached: a held call reads it under the row's lock.
 */
const TERMS_CACHE_MS = 30_000;
const TERMS_CACHE_SIZE = 10_000;

/** What the dialplan is told of a trunk call's money (routing's CreditCheck takes it as it is). */
export type Authorisation = { ok: true; seconds: number | null } | { ok: false; reason: 'insufficient_credit' | 'spend_limit' | 'no_rate' };

export class Ledger {
  private readonly terms = new Map<string, { limited: boolean; until: number }>();

  constructor(private readonly deps: LedgerDeps) {}

  /** Whether the user's calls are limited by an account (prepaid, or postpaid with a limit); remembered a while. */
  private async limited(userId: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.terms.get(userId);
    if (hit && hit.until > now) return hit.limited;
    const account = await this.deps.repo.accountOfUser(userId);
    const limited = account !== null && (account.mode === 'prepaid' || account.dailyLimit !== null || account.monthlyLimit !== null);
    if (this.terms.size >= TERMS_CACHE_SIZE) this.terms.clear();
    this.terms.set(userId, { limited, until: now + TERMS_CACHE_MS });
    return limited;
  }

  /** Drops what was remembered of how a user pays (their terms changed here). */
  private forget(userId: string): void {
    this.terms.delete(userId);
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /**
   * What the caller's account lets this trunk call last: unlimited (null) for
   * a user with no account or a postpaid one without limits; otherwise the
   * longest talk the free balance, or what is left of the limits, pays for at
   * this destination's sell row, capped at `maxSeconds`, held under the call's
   * id. Asked again for the same call (a retried lookup), the same answer.
   */
  async authorise(input: { callId: string; userId: string; e164: string; maxSeconds: number }): Promise<Authorisation> {
    if (!(await this.limited(input.userId))) return { ok: true, seconds: null };
    const row = await this.deps.sellRow(input.e164);
    if (!row) return { ok: false, reason: 'no_rate' };
    return this.deps.repo.transaction(async (tx): Promise<Authorisation> => {
      const found = await tx.lockForCall(input.userId, input.callId);
      if (!found) return { ok: true, seconds: null };
      const { account, heldSeconds } = found;
      if (account.mode === 'postpaid' && account.dailyLimit === null && account.monthlyLimit === null) return { ok: true, seconds: null };
      if (heldSeconds !== null) return { ok: true, seconds: heldSeconds < input.maxSeconds ? heldSeconds : null };
      const budget = await this.budgetOf(tx, account);
      const bought = affordableSeconds(row, budget, input.maxSeconds);
      if (!bought) return { ok: false, reason: account.mode === 'prepaid' ? 'insufficient_credit' : 'spend_limit' };
      await tx.holdForCall({ callUuid: input.callId, accountId: account.id, userId: input.userId, amount: bought.amount, seconds: bought.billedS, rule: row });
      return { ok: true, seconds: bought.billedS < input.maxSeconds ? bought.billedS : null };
    });
  }

  /** Whether a call to this number could start now (the dialpad's preview): nothing is held. */
  async wouldAllow(userId: string, e164: string, maxSeconds: number): Promise<'ok' | 'insufficient_credit' | 'spend_limit' | 'no_rate'> {
    if (!(await this.limited(userId))) return 'ok';
    const account = await this.deps.repo.accountOfUser(userId);
    if (!account || (account.mode === 'postpaid' && account.dailyLimit === null && account.monthlyLimit === null)) return 'ok';
    const row = await this.deps.sellRow(e164);
    if (!row) return 'no_rate';
    const budget = await this.deps.repo.transaction((tx) => this.budgetOf(tx, account));
    if (affordableSeconds(row, budget, maxSeconds)) return 'ok';
    return account.mode === 'prepaid' ? 'insufficient_credit' : 'spend_limit';
  }

  /** Prepaid: the free balance. Postpaid with limits: what is left of the day's and the month's. */
  private async budgetOf(tx: LedgerTransaction, account: Account): Promise<number> {
    if (account.mode === 'prepaid') return account.balance;
    const now = this.now();
    const left = await Promise.all([
      account.dailyLimit === null ? Infinity : tx.spentSince(account.id, startOfDay(now)).then((spent) => account.dailyLimit! - spent),
      account.monthlyLimit === null ? Infinity : tx.spentSince(account.id, startOfMonth(now)).then((spent) => account.monthlyLimit! - spent),
    ]);
    return Math.max(0, Math.min(...left));
  }

  /**
   * A call ended (its record arrived, or its hangup said how long it talked):
   * the exact price captured from what was held — never more than was held —
   * and the rest released to the account. Once: the reservation is locked and
   * closed in the same transaction, so a second arrival finds it closed.
   * `talkedS` null: never answered. `price`, when the record's charge gives it,
   * is taken as the price. False when there was nothing to settle.
   */
  async settle(callUuid: string, talkedS: number | null, price?: number): Promise<boolean> {
    // Most calls hold nothing: one look by key, before a transaction is opened for them.
    if (!(await this.deps.repo.isHeld(callUuid))) return false;
    return this.deps.repo.transaction(async (tx) => {
      const held = await tx.reservationForUpdate(callUuid);
      if (!held || held.closedAt) return false;
      const cost = Math.min(held.amount, price ?? priceOf(held.rule, talkedS).amount);
      await tx.post('capture', callCause(callUuid), [
        [tx.system.holds, -cost],
        [tx.system.revenue, cost],
      ]);
      await tx.post('release', callCause(callUuid), [
        [tx.system.holds, -(held.amount - cost)],
        [held.accountId, held.amount - cost],
      ]);
      await tx.closeReservation(callUuid, cost);
      return true;
    });
  }

  /** A priced call of a postpaid account with no limit (nothing was held): its price booked against the account, once. */
  async chargeUnheld(callUuid: string, userId: string, price: number): Promise<boolean> {
    if (price <= 0) return false;
    const account = await this.deps.repo.accountOfUser(userId);
    if (!account || account.mode !== 'postpaid') return false;
    return this.deps.repo.transaction(async (tx) => {
      if (await tx.reservationForUpdate(callUuid)) return false;
      return tx.post('capture', callCause(callUuid), [
        [account.id, -price],
        [tx.system.revenue, price],
      ]);
    });
  }

  /** A user's account as they see it in Settings, or null when their calls are not billed to one. */
  async summaryOf(userId: string): Promise<{ account: Account; spentToday: number; spentThisMonth: number; held: number } | null> {
    const account = await this.deps.repo.accountOfUser(userId);
    if (!account) return null;
    const now = this.now();
    const held = (await this.deps.repo.openReservations()).filter((r) => r.accountId === account.id).reduce((sum, r) => sum + r.amount, 0);
    return this.deps.repo.transaction(async (tx) => ({
      account,
      spentToday: await tx.spentSince(account.id, startOfDay(now)),
      spentThisMonth: await tx.spentSince(account.id, startOfMonth(now)),
      held,
    }));
  }

  /** An admin sets how a user pays: their own account is made, or changed; a user in a shared account gets their own again. */
  async setTerms(userId: string, terms: Terms, ctx: ActionContext): Promise<Account> {
    checkTerms(terms);
    const account = await this.deps.repo.transaction(async (tx) => {
      const current = await tx.lockAccountOfUser(userId);
      try {
        if (current && current.kind === 'user') {
          await tx.setTerms(current.id, terms);
          return current.id;
        }
        const own = await tx.createAccount({ kind: 'user', name: 'personal', ownerId: userId, ...terms, currency: this.deps.currency });
        await tx.setMember(userId, own.id);
        return own.id;
      } catch (err) {
        if (err instanceof OverspentError) throw new ConflictError('The account owes money: settle it before making it prepaid', 'account_in_debt');
        if (isForeignKeyViolation(err)) throw new NotFoundError('User');
        throw err;
      }
    });
    this.forget(userId);
    await this.deps.audit.record({ action: 'billing.terms', outcome: 'ok', ...ctx, target: { type: 'user', id: userId }, details: { ...terms } });
    return (await this.deps.repo.account(account))!;
  }

  /** Puts a user into an account a team shares (made when `name` is new). */
  async joinShared(userId: string, accountId: string, ctx: ActionContext): Promise<void> {
    const account = await this.deps.repo.account(accountId);
    if (!account || account.kind !== 'shared') throw new NotFoundError('Shared account');
    await this.deps.repo.transaction((tx) => tx.setMember(userId, accountId)).catch((err: unknown) => {
      throw isForeignKeyViolation(err) ? new NotFoundError('User') : err;
    });
    this.forget(userId);
    await this.deps.audit.record({ action: 'billing.terms', outcome: 'ok', ...ctx, target: { type: 'user', id: userId }, details: { sharedAccount: accountId } });
  }

  async createShared(name: string, terms: Terms, ctx: ActionContext): Promise<Account> {
    checkTerms(terms);
    const created = await this.deps.repo.transaction((tx) => tx.createAccount({ kind: 'shared', name, ownerId: null, ...terms, currency: this.deps.currency }));
    await this.deps.audit.record({ action: 'billing.terms', outcome: 'ok', ...ctx, details: { sharedAccount: created.id, name, ...terms } });
    return created;
  }

  /**
   * An admin puts credit in (`top_up`, a positive amount) or corrects a
   * balance (`adjustment`, either sign), with a reason, once per `requestId`.
   */
  async credit(input: { accountId: string; kind: 'top_up' | 'adjustment'; amount: number; reason: string; requestId: string }, ctx: ActionContext): Promise<{ booked: boolean }> {
    if (input.amount === 0 || (input.kind === 'top_up' && input.amount < 0)) throw new ValidationError('Invalid amount', [{ path: 'body.amount', message: input.kind === 'top_up' ? 'must be more than 0' : 'must not be 0' }]);
    const booked = await this.deps.repo.transaction(async (tx) => {
      const account = await tx.lockAccount(input.accountId);
      if (!account) throw new NotFoundError('Account');
      try {
        return await tx.post(
          input.kind,
          `admin:${input.requestId}`,
          [
            [tx.system.funding, -input.amount],
            [account.id, input.amount],
          ],
          { actor: ctx.actor.email, reason: input.reason },
        );
      } catch (err) {
        if (err instanceof OverspentError) throw new ConflictError('A prepaid balance cannot go below zero', 'balance_below_zero');
        throw err;
      }
    });
    await this.deps.audit.record({ action: 'billing.credit', outcome: 'ok', ...ctx, details: { account: input.accountId, kind: input.kind, amount: input.amount, reason: input.reason, booked } });
    return { booked };
  }

  /** `count` new vouchers worth `amount` each; the codes are shown once, and only their hashes are kept. */
  async createVouchers(amount: number, count: number, ctx: ActionContext): Promise<string[]> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new ValidationError('Invalid amount', [{ path: 'amount', message: 'must be more than 0' }]);
    if (!Number.isInteger(count) || count < 1 || count > MAX_VOUCHERS) throw new ValidationError('Invalid count', [{ path: 'count', message: `must be 1 to ${MAX_VOUCHERS}` }]);
    const codes = Array.from({ length: count }, newVoucherCode);
    await this.deps.repo.transaction((tx) => tx.insertVouchers(codes.map(voucherHash), amount, this.deps.currency, ctx.actor.email ?? 'unknown'));
    await this.deps.audit.record({ action: 'billing.vouchers', outcome: 'ok', ...ctx, details: { amount, count } });
    return codes;
  }

  /** A user redeems a voucher into their account (a prepaid one of their own when they have none): once. */
  async redeem(userId: string, code: string, ctx: ActionContext): Promise<{ amount: number }> {
    const hash = voucherHash(code);
    const amount = await this.deps.repo.transaction(async (tx) => {
      const voucher = await tx.voucherForUpdate(hash);
      if (!voucher) throw new NotFoundError('Voucher');
      if (voucher.redeemedAt) throw new ConflictError('This voucher was redeemed already', 'voucher_redeemed');
      if (voucher.currency !== this.deps.currency) throw new ConflictError(`This voucher is in ${voucher.currency}`, 'voucher_currency');
      let account = await tx.lockAccountOfUser(userId);
      if (!account) {
        account = await tx.createAccount({ kind: 'user', name: 'personal', ownerId: userId, mode: 'prepaid', dailyLimit: null, monthlyLimit: null, currency: this.deps.currency });
        await tx.setMember(userId, account.id);
      }
      await tx.post(
        'top_up',
        `voucher:${hash}`,
        [
          [tx.system.funding, -voucher.amount],
          [account.id, voucher.amount],
        ],
        { actor: ctx.actor.email, reason: 'voucher' },
      );
      await tx.redeemVoucher(hash, userId);
      return voucher.amount;
    });
    this.forget(userId);
    await this.deps.audit.record({ action: 'billing.voucher_redeemed', outcome: 'ok', ...ctx, target: { type: 'user', id: userId }, details: { amount } });
    return { amount };
  }

  /** The reservations of calls still open: the watchdog's list. */
  openReservations(): Promise<Reservation[]> {
    return this.deps.repo.openReservations();
  }
}

/** A user id that names nobody (the members' and owners' foreign keys refused it). */
const isForeignKeyViolation = (err: unknown) => (err as { code?: unknown }).code === '23503';

function checkTerms(terms: Terms): void {
  const bad = [terms.dailyLimit, terms.monthlyLimit].some((l) => l !== null && (!Number.isSafeInteger(l) || l <= 0));
  if (bad) throw new ValidationError('Invalid limits', [{ path: 'body', message: 'limits must be amounts above 0' }]);
  if (terms.mode === 'prepaid' && (terms.dailyLimit !== null || terms.monthlyLimit !== null)) {
    throw new ValidationError('Invalid limits', [{ path: 'body', message: 'a prepaid account has a balance, not limits' }]);
  }
}

// Accounts and the ledger over HTTP. Admins: every account, how a user pays,
// shared accounts, credit and corrections with a reason, vouchers, the
// ledger's own check. A user: their account, and a voucher redeemed.
import type { BillingAccount, BillingSummary, LedgerEntry } from '@sipcall/contract';
import { Router } from 'express';
import { z } from 'zod';
import { RateLimitedError } from '../core/errors.js';
import { clientIp, currentUser } from '../http/auth-guard.js';
import type { Operations } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import type { CounterStore } from '../state/state.js';
import type { Ledger } from './ledger.js';
import type { RateService } from './rates.js';
import type { Account, LedgerRepository } from './ledger-repository.js';
import { formatAmount, parseAmount } from './money.js';
import { MAX_RATE } from './deck-csv.js';

/** A decimal amount with up to six places, at most 100 000 (a top-up beyond is a typo). */
const MAX_CREDIT = 100_000 * 1_000_000;
const amount = z
  .string()
  .max(20)
  .transform((text, ctx) => {
    const micros = parseAmount(text);
    if (micros === null || micros === 0 || micros > MAX_CREDIT) {
      ctx.addIssue({ code: 'custom', message: 'must be an amount like 10.00, above 0 and at most 100000' });
      return z.NEVER;
    }
    return micros;
  });
/** An adjustment goes either way: "-2.50" takes credit back. */
const signedAmount = z
  .string()
  .max(21)
  .transform((text, ctx) => {
    const negative = text.startsWith('-');
    const micros = parseAmount(negative ? text.slice(1) : text);
    if (micros === null || micros === 0 || micros > MAX_CREDIT) {
      ctx.addIssue({ code: 'custom', message: 'must be an amount like 10.00 or -2.50, not 0, at most 100000 either way' });
      return z.NEVER;
    }
    return negative ? -micros : micros;
  });
const limit = amount.nullable().default(null);

const termsBody = z.strictObject({ mode: z.enum(['prepaid', 'postpaid']), dailyLimit: limit, monthlyLimit: limit });
const sharedBody = z.strictObject({ name: z.string().trim().min(1).max(100), mode: z.enum(['prepaid', 'postpaid']), dailyLimit: limit, monthlyLimit: limit });
const memberBody = z.strictObject({ accountId: z.uuid() });
const creditBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('top_up'), amount, reason: z.string().trim().min(1).max(200), requestId: z.uuid() }),
  z.strictObject({ kind: z.literal('adjustment'), amount: signedAmount, reason: z.string().trim().min(1).max(200), requestId: z.uuid() }),
]);
const voucherBody = z.strictObject({ amount: amount.refine((m) => m <= MAX_RATE * 10, 'at most 1000 per voucher'), count: z.number().int().min(1).max(1_000) });
const redeemBody = z.strictObject({ code: z.string().trim().min(16).max(24).regex(/^[A-Za-z0-9 -]+$/, 'letters, digits and dashes') });
const idParams = z.strictObject({ id: z.uuid() });

/** Redemption attempts a user gets per hour: codes cannot be guessed a million at a time. */
const REDEEM_ATTEMPTS_PER_HOUR = 10;

const money = (micros: number | null) => (micros === null ? null : formatAmount(micros));

export function accountView(a: Account & { members: string[] }, currency: string): BillingAccount {
  return {
    id: a.id,
    kind: a.kind === 'shared' ? 'shared' : 'user',
    name: a.name,
    ownerId: a.ownerId,
    mode: a.mode,
    dailyLimit: money(a.dailyLimit),
    monthlyLimit: money(a.monthlyLimit),
    currency: a.currency ?? currency,
    balance: formatAmount(a.balance),
    members: a.members,
  };
}

export const billingAdminApi: Operations = {
  'GET /accounts': { summary: 'Every account calls are billed to, with its members and balance', responses: { 200: '{ accounts }' } },
  'GET /accounts/:id/entries': { summary: "An account's ledger entries, newest first", params: idParams, responses: { 200: '{ entries }', 404: 'No such account' } },
  'PUT /users/:id': { summary: 'How a user pays: prepaid (a balance) or postpaid (optional daily and monthly limits), on their own account', params: idParams, body: termsBody, responses: { 200: '{ account }', 409: 'account_in_debt' } },
  'PUT /users/:id/shared': { summary: 'Bill a user to an account a team shares', params: idParams, body: memberBody, responses: { 204: 'Done', 404: 'No such account' } },
  'POST /shared': { summary: 'An account a team shares', body: sharedBody, responses: { 201: '{ account }' } },
  'POST /accounts/:id/credit': {
    summary: 'Put credit in (top_up) or correct a balance (adjustment), with a reason; once per requestId',
    params: idParams,
    body: creditBody,
    responses: { 200: '{ booked }', 404: 'No such account', 409: 'balance_below_zero' },
  },
  'POST /vouchers': { summary: 'Vouchers worth an amount each: the codes are shown this once', body: voucherBody, responses: { 201: '{ codes }' } },
  'GET /verify': { summary: "The ledger's own check: every transaction sums to zero, every cached balance matches its postings, every closed hold is settled", responses: { 200: '{ differences }' } },
};

export function billingAdminRouter(deps: { ledger: Ledger; repo: LedgerRepository; currency: string }): Router {
  const r = Router();
  const ctx = (req: Parameters<typeof currentUser>[0]) => ({ actor: { id: currentUser(req).id, email: currentUser(req).email }, ip: clientIp(req) });

  r.get('/accounts', async (_req, res) => {
    res.json({ accounts: (await deps.repo.accounts()).map((a) => accountView(a, deps.currency)) });
  });

  r.get('/accounts/:id/entries', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    if (!(await deps.repo.account(id))) {
      res.status(404).json({ error: { code: 'not_found', message: 'Account not found' } });
      return;
    }
    const entries: LedgerEntry[] = (await deps.repo.entries(id, 500)).map((e) => ({ ...e, amount: formatAmount(e.amount), at: e.at.toISOString() }));
    res.json({ entries });
  });

  r.put('/users/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const terms = parseInput(termsBody, req.body, 'body');
    const account = await deps.ledger.setTerms(id, terms, ctx(req));
    res.json({ account: accountView({ ...account, members: [id] }, deps.currency) });
  });

  r.put('/users/:id/shared', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const { accountId } = parseInput(memberBody, req.body, 'body');
    await deps.ledger.joinShared(id, accountId, ctx(req));
    res.status(204).end();
  });

  r.post('/shared', async (req, res) => {
    const { name, ...terms } = parseInput(sharedBody, req.body, 'body');
    const account = await deps.ledger.createShared(name, terms, ctx(req));
    res.status(201).json({ account: accountView({ ...account, members: [] }, deps.currency) });
  });

  r.post('/accounts/:id/credit', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const input = parseInput(creditBody, req.body, 'body');
    res.json(await deps.ledger.credit({ accountId: id, ...input }, ctx(req)));
  });

  r.post('/vouchers', async (req, res) => {
    const input = parseInput(voucherBody, req.body, 'body');
    res.status(201).set('Cache-Control', 'no-store').json({ codes: await deps.ledger.createVouchers(input.amount, input.count, ctx(req)) });
  });

  r.get('/verify', async (_req, res) => {
    res.json({ differences: await deps.repo.differences() });
  });

  return r;
}

export const billingMeApi: Operations = {
  'GET /': { summary: "How the signed-in user's calls are paid: the account, its balance, what is held and spent", responses: { 200: 'BillingSummary' } },
  'POST /vouchers': { summary: 'Redeem a voucher into the account (once per voucher)', body: redeemBody, responses: { 200: '{ amount }', 404: 'No such voucher', 409: 'voucher_redeemed', 429: 'Too many attempts' } },
};

export function billingMeRouter(deps: { ledger: Ledger; counters: CounterStore; rates: Pick<RateService, 'minutesOfMostCalled'>; lowBalanceMinutes: number }): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const userId = currentUser(req).id;
    const summary = await deps.ledger.summaryOf(userId);
    const minutesLeft = summary?.account.mode === 'prepaid' ? await deps.rates.minutesOfMostCalled(userId, summary.account.balance) : null;
    const body: BillingSummary = {
      account: summary && {
        kind: summary.account.kind === 'shared' ? 'shared' : 'user',
        mode: summary.account.mode,
        currency: summary.account.currency ?? '',
        balance: formatAmount(summary.account.balance),
        held: formatAmount(summary.held),
        spentToday: formatAmount(summary.spentToday),
        spentThisMonth: formatAmount(summary.spentThisMonth),
        dailyLimit: money(summary.account.dailyLimit),
        monthlyLimit: money(summary.account.monthlyLimit),
        minutesLeft,
        low: minutesLeft !== null && minutesLeft < deps.lowBalanceMinutes,
      },
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  r.post('/vouchers', async (req, res) => {
    const user = currentUser(req);
    // Counted before the code is looked at: wrong codes and right ones alike.
    const seen = await deps.counters.hit(`voucher:user:${user.id}`, 3_600_000);
    if (seen.count > REDEEM_ATTEMPTS_PER_HOUR) throw new RateLimitedError(Math.max(1, Math.ceil((seen.resetAt.getTime() - Date.now()) / 1000)));
    const { code } = parseInput(redeemBody, req.body, 'body');
    const { amount: micros } = await deps.ledger.redeem(user.id, code, { actor: { id: user.id, email: user.email }, ip: clientIp(req) });
    res.json({ amount: formatAmount(micros) });
  });

  return r;
}

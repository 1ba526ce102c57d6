// The ledger's tables: accounts, who belongs to which, transactions with
// their postings, the reservations of live calls, vouchers. Every write runs
// inside a LedgerTransaction, with the account it changes locked first.
import type { DataSource, EntityManager } from 'typeorm';
import type { Increment } from './rating.js';

export type AccountMode = 'prepaid' | 'postpaid';
export type EntryKind = 'top_up' | 'reservation' | 'capture' | 'release' | 'refund' | 'adjustment' | 'host_earning' | 'platform_fee';
/** The system's own accounts: money held for live calls, earned, paid in. */
export type SystemAccount = 'holds' | 'revenue' | 'funding';

export interface Account {
  id: string;
  kind: 'user' | 'shared' | 'system';
  name: string;
  ownerId: string | null;
  mode: AccountMode;
  dailyLimit: number | null;
  monthlyLimit: number | null;
  currency: string | null;
  /** Micros; for a prepaid account, what is free to spend (live calls' holds are out already). */
  balance: number;
}

export interface Reservation {
  callUuid: string;
  accountId: string;
  userId: string | null;
  amount: number;
  seconds: number;
  rule: { ratePerMinute: number; connectFee: number; increment: Increment; minimumS: number };
  createdAt: Date;
  closedAt: Date | null;
}

interface AccountRow {
  id: string;
  kind: Account['kind'];
  name: string;
  owner_id: string | null;
  mode: AccountMode;
  daily_limit_micros: string | null;
  monthly_limit_micros: string | null;
  currency: string | null;
  balance_micros: string;
}

interface ReservationRow {
  call_uuid: string;
  account_id: string;
  user_id: string | null;
  amount_micros: string;
  seconds: number;
  rate_micros: string;
  connect_fee_micros: string;
  first_s: number;
  next_s: number;
  minimum_s: number;
  created_at: Date;
  closed_at: Date | null;
}

const orNull = (v: string | null) => (v === null ? null : Number(v));
const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  ownerId: r.owner_id,
  mode: r.mode,
  dailyLimit: orNull(r.daily_limit_micros),
  monthlyLimit: orNull(r.monthly_limit_micros),
  currency: r.currency,
  balance: Number(r.balance_micros),
});
const toReservation = (r: ReservationRow): Reservation => ({
  callUuid: r.call_uuid,
  accountId: r.account_id,
  userId: r.user_id,
  amount: Number(r.amount_micros),
  seconds: r.seconds,
  rule: { ratePerMinute: Number(r.rate_micros), connectFee: Number(r.connect_fee_micros), increment: { first: r.first_s, next: r.next_s }, minimumS: r.minimum_s },
  createdAt: r.created_at,
  closedAt: r.closed_at,
});

const ACCOUNT_COLUMNS = 'a.id, a.kind, a.name, a.owner_id, a.mode, a.daily_limit_micros, a.monthly_limit_micros, a.currency, a.balance_micros';
const CHECK_VIOLATION = '23514';

/** A prepaid balance would have gone below zero: the database refused the statement. */
export class OverspentError extends Error {
  constructor() {
    super('a prepaid balance would go below zero');
    this.name = 'OverspentError';
  }
}

export class LedgerRepository {
  private systemIds: Promise<Record<SystemAccount, string>> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async accountOfUser(userId: string): Promise<Account | null> {
    const rows = await this.dataSource.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM billing_members m JOIN billing_accounts a ON a.id = m.account_id WHERE m.user_id = $1`, [userId]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async account(id: string): Promise<Account | null> {
    const rows = await this.dataSource.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM billing_accounts a WHERE a.id = $1`, [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** Every user and shared account, with its members' ids. */
  async accounts(): Promise<Array<Account & { members: string[] }>> {
    const rows = await this.dataSource.query<Array<AccountRow & { members: string[] | null }>>(
      `SELECT ${ACCOUNT_COLUMNS}, array_agg(m.user_id::text) FILTER (WHERE m.user_id IS NOT NULL) AS members
         FROM billing_accounts a LEFT JOIN billing_members m ON m.account_id = a.id
        WHERE a.kind <> 'system' GROUP BY a.id ORDER BY a.kind, a.name, a.id`,
    );
    return rows.map((r) => ({ ...toAccount(r), members: r.members ?? [] }));
  }

  /** The reservations still open, oldest first (the watchdog's list). */
  async openReservations(): Promise<Reservation[]> {
    return (await this.dataSource.query<ReservationRow[]>(`SELECT * FROM call_reservations WHERE closed_at IS NULL ORDER BY created_at`)).map(toReservation);
  }

  /** Whether money is held for this call and not settled yet. */
  async isHeld(callUuid: string): Promise<boolean> {
    return (await this.dataSource.query<unknown[]>(`SELECT 1 FROM call_reservations WHERE call_uuid = $1 AND closed_at IS NULL`, [callUuid])).length > 0;
  }

  /** Entries of an account, newest first. */
  async entries(accountId: string, limit: number): Promise<Array<{ id: string; kind: EntryKind; cause: string; amount: number; reason: string | null; actor: string | null; at: Date }>> {
    const rows = await this.dataSource.query<Array<{ id: string; kind: EntryKind; cause: string; amount_micros: string; reason: string | null; actor: string | null; created_at: Date }>>(
      `SELECT t.id::text, t.kind, t.cause, p.amount_micros, t.reason, t.actor, t.created_at FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.tx_id
        WHERE p.account_id = $1 ORDER BY t.id DESC LIMIT $2`,
      [accountId, limit],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, cause: r.cause, amount: Number(r.amount_micros), reason: r.reason, actor: r.actor, at: r.created_at }));
  }

  /** What `sipcall ledger verify` checks: transactions that do not sum to zero, cached balances that differ from the postings, reservations whose entries do not add up. */
  async differences(): Promise<Array<{ what: string; id: string; expected: string; found: string }>> {
    const [unbalanced, balances, reservations] = await Promise.all([
      this.dataSource.query<Array<{ id: string; sum: string }>>(`SELECT tx_id::text AS id, sum(amount_micros)::text AS sum FROM ledger_postings GROUP BY tx_id HAVING sum(amount_micros) <> 0`),
      this.dataSource.query<Array<{ id: string; cached: string; summed: string }>>(
        `SELECT a.id, a.balance_micros::text AS cached, coalesce(sum(p.amount_micros), 0)::text AS summed FROM billing_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
          WHERE a.kind <> 'system' GROUP BY a.id HAVING a.balance_micros <> coalesce(sum(p.amount_micros), 0)`,
      ),
      this.dataSource.query<Array<{ id: string; held: string; settled: string }>>(
        `SELECT r.call_uuid::text AS id, r.amount_micros::text AS held,
                coalesce((SELECT sum(-p.amount_micros) FROM ledger_transactions t JOIN ledger_postings p ON p.tx_id = t.id AND p.account_id = (SELECT id FROM billing_accounts WHERE kind = 'system' AND name = 'holds')
                           WHERE t.cause = 'call:' || r.call_uuid AND t.kind IN ('capture', 'release')), 0)::text AS settled
           FROM call_reservations r WHERE r.closed_at IS NOT NULL`,
      ),
    ]);
    return [
      ...unbalanced.map((u) => ({ what: 'transaction does not sum to zero', id: u.id, expected: '0', found: u.sum })),
      ...balances.map((b) => ({ what: 'cached balance differs from the postings', id: b.id, expected: b.summed, found: b.cached })),
      ...reservations.filter((r) => r.held !== r.settled).map((r) => ({ what: 'reservation not settled to its amount', id: r.id, expected: r.held, found: r.settled })),
    ];
  }

  /** Work in one database transaction. Nothing inside may use another connection: with the embedded database there is only one. */
  async transaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    const system = await this.system();
    return this.dataSource.transaction((m) => work(new LedgerTransaction(m, system)));
  }

  private system(): Promise<Record<SystemAccount, string>> {
    this.systemIds ??= this.dataSource
      .query<Array<{ id: string; name: SystemAccount }>>(`SELECT id, name FROM billing_accounts WHERE kind = 'system'`)
      .then((rows) => Object.fromEntries(rows.map((r) => [r.name, r.id])) as Record<SystemAccount, string>);
    this.systemIds.catch(() => (this.systemIds = null));
    return this.systemIds;
  }
}

export class LedgerTransaction {
  constructor(
    readonly manager: EntityManager,
    readonly system: Readonly<Record<SystemAccount, string>>,
  ) {}

  /** The user's account, locked until the transaction ends. */
  async lockAccountOfUser(userId: string): Promise<Account | null> {
    const rows = await this.manager.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM billing_members m JOIN billing_accounts a ON a.id = m.account_id WHERE m.user_id = $1 FOR UPDATE OF a`, [userId]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** The user's account, locked, and the seconds already held for this call if a retried lookup asks again: one round trip. */
  async lockForCall(userId: string, callUuid: string): Promise<{ account: Account; heldSeconds: number | null } | null> {
    const rows = await this.manager.query<Array<AccountRow & { held_seconds: number | null }>>(
      `SELECT ${ACCOUNT_COLUMNS}, r.seconds AS held_seconds FROM billing_members m JOIN billing_accounts a ON a.id = m.account_id
         LEFT JOIN call_reservations r ON r.call_uuid = $2
        WHERE m.user_id = $1 FOR UPDATE OF a`,
      [userId, callUuid],
    );
    return rows[0] ? { account: toAccount(rows[0]), heldSeconds: rows[0].held_seconds } : null;
  }

  /**
   * A call's hold in one statement: its reservation, its ledger transaction
   * with both postings, and the account's cached balance — the dialplan waits
   * for this, so it is one round trip rather than five.
   */
  async holdForCall(r: Omit<Reservation, 'createdAt' | 'closedAt'>): Promise<void> {
    await this.refusingOverspend(() =>
      this.manager.query(
        `WITH r AS (
           INSERT INTO call_reservations (call_uuid, account_id, user_id, amount_micros, seconds, rate_micros, connect_fee_micros, first_s, next_s, minimum_s)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING call_uuid
         ), t AS (
           INSERT INTO ledger_transactions (kind, cause) SELECT 'reservation', 'call:' || call_uuid FROM r ON CONFLICT (cause, kind) DO NOTHING RETURNING id
         ), p AS (
           INSERT INTO ledger_postings (tx_id, account_id, amount_micros)
           SELECT t.id, x.account, x.micros FROM t, (VALUES ($2::uuid, -$4::bigint), ($11::uuid, $4::bigint)) AS x(account, micros) WHERE $4::bigint <> 0
         )
         UPDATE billing_accounts SET balance_micros = balance_micros - $4 WHERE id = $2 AND $4::bigint <> 0 AND EXISTS (SELECT 1 FROM t)`,
        [r.callUuid, r.accountId, r.userId, r.amount, r.seconds, r.rule.ratePerMinute, r.rule.connectFee, r.rule.increment.first, r.rule.increment.next, r.rule.minimumS, this.system.holds],
      ),
    );
  }

  async lockAccount(id: string): Promise<Account | null> {
    const rows = await this.manager.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM billing_accounts a WHERE a.id = $1 AND a.kind <> 'system' FOR UPDATE`, [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async createAccount(input: { kind: 'user' | 'shared'; name: string; ownerId: string | null; mode: AccountMode; dailyLimit: number | null; monthlyLimit: number | null; currency: string }): Promise<Account> {
    const [row] = await this.manager.query<AccountRow[]>(
      `INSERT INTO billing_accounts AS a (kind, name, owner_id, mode, daily_limit_micros, monthly_limit_micros, currency) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${ACCOUNT_COLUMNS}`,
      [input.kind, input.name, input.ownerId, input.mode, input.dailyLimit, input.monthlyLimit, input.currency],
    );
    return toAccount(row!);
  }

  /** The mode and limits; OverspentError when a postpaid account owing money is made prepaid. */
  async setTerms(id: string, terms: { mode: AccountMode; dailyLimit: number | null; monthlyLimit: number | null }): Promise<void> {
    await this.refusingOverspend(() =>
      this.manager.query(`UPDATE billing_accounts SET mode = $2, daily_limit_micros = $3, monthly_limit_micros = $4 WHERE id = $1`, [id, terms.mode, terms.dailyLimit, terms.monthlyLimit]),
    );
  }

  async setMember(userId: string, accountId: string): Promise<void> {
    await this.manager.query(`INSERT INTO billing_members (user_id, account_id) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET account_id = EXCLUDED.account_id`, [userId, accountId]);
  }

  /**
   * One transaction: its postings sum to zero, and the users' and shared
   * accounts' cached balances move with them (the system accounts' are only
   * ever summed: caching them would make every call in the system wait for one
   * row). False when a transaction of this kind and cause is booked already.
   */
  async post(kind: EntryKind, cause: string, postings: ReadonlyArray<readonly [accountId: string, micros: number]>, note: { actor?: string | null; reason?: string | null } = {}): Promise<boolean> {
    const moving = postings.filter(([, micros]) => micros !== 0);
    if (moving.reduce((sum, [, micros]) => sum + micros, 0) !== 0) throw new Error(`unbalanced ${kind} for ${cause}`);
    const [tx] = await this.manager.query<Array<{ id: string }>>(
      `INSERT INTO ledger_transactions (kind, cause, actor, reason) VALUES ($1, $2, $3, $4) ON CONFLICT (cause, kind) DO NOTHING RETURNING id`,
      [kind, cause, note.actor ?? null, note.reason ?? null],
    );
    if (!tx) return false;
    if (moving.length === 0) return true;
    await this.manager.query(`INSERT INTO ledger_postings (tx_id, account_id, amount_micros) SELECT $1, * FROM unnest($2::uuid[], $3::bigint[])`, [tx.id, moving.map(([a]) => a), moving.map(([, m]) => m)]);
    await this.refusingOverspend(() =>
      this.manager.query(
        `UPDATE billing_accounts a SET balance_micros = a.balance_micros + d.micros FROM unnest($1::uuid[], $2::bigint[]) AS d(id, micros) WHERE a.id = d.id AND a.kind <> 'system'`,
        [moving.map(([a]) => a), moving.map(([, m]) => m)],
      ),
    );
    return true;
  }

  /** What an account spent since a moment: its held and captured call costs (reservations less releases, and direct captures). */
  async spentSince(accountId: string, since: Date): Promise<number> {
    const [row] = await this.manager.query<Array<{ spent: string }>>(
      `SELECT coalesce(-sum(p.amount_micros), 0)::text AS spent FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.tx_id
        WHERE p.account_id = $1 AND t.kind IN ('reservation', 'release', 'capture') AND t.created_at >= $2`,
      [accountId, since],
    );
    return Number(row?.spent ?? 0);
  }

  async reservationForUpdate(callUuid: string): Promise<Reservation | null> {
    const rows = await this.manager.query<ReservationRow[]>(`SELECT * FROM call_reservations WHERE call_uuid = $1 FOR UPDATE`, [callUuid]);
    return rows[0] ? toReservation(rows[0]) : null;
  }

  async closeReservation(callUuid: string, captured: number): Promise<void> {
    await this.manager.query(`UPDATE call_reservations SET closed_at = now(), captured_micros = $2 WHERE call_uuid = $1`, [callUuid, captured]);
  }

  /** The voucher, locked; null when there is none with this code. */
  async voucherForUpdate(codeHash: string): Promise<{ amount: number; currency: string; redeemedAt: Date | null } | null> {
    const rows = await this.manager.query<Array<{ amount_micros: string; currency: string; redeemed_at: Date | null }>>(`SELECT amount_micros, currency, redeemed_at FROM vouchers WHERE code_hash = $1 FOR UPDATE`, [codeHash]);
    return rows[0] ? { amount: Number(rows[0].amount_micros), currency: rows[0].currency, redeemedAt: rows[0].redeemed_at } : null;
  }

  async redeemVoucher(codeHash: string, userId: string): Promise<void> {
    await this.manager.query(`UPDATE vouchers SET redeemed_by = $2, redeemed_at = now() WHERE code_hash = $1`, [codeHash, userId]);
  }

  async insertVouchers(hashes: readonly string[], amount: number, currency: string, createdBy: string): Promise<void> {
    await this.manager.query(`INSERT INTO vouchers (code_hash, amount_micros, currency, created_by) SELECT h, $2, $3, $4 FROM unnest($1::text[]) AS h`, [hashes, amount, currency, createdBy]);
  }

  private async refusingOverspend<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement();
    } catch (err) {
      if ((err as { code?: unknown; constraint?: unknown }).code === CHECK_VIOLATION && (err as { constraint?: unknown }).constraint === 'billing_accounts_prepaid_not_overspent') throw new OverspentError();
      throw err;
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money that moves: billing accounts (a user's own, or one a team shares;
 * prepaid with a balance, or postpaid with optional spend limits) and one
 * append-only, double-entry ledger. Every transaction names its cause and
 * kind once (UNIQUE), so a replay or a retry books nothing twice; its postings
 * sum to zero, and an account's balance is the sum of its postings (the column
 * here caches it, `sipcall ledger verify` checks it). A prepaid account's
 * balance can never go below zero: the database refuses it. A trunk call of a
 * limited account holds what its allowed time costs until its end captures
 * the exact price and releases the rest.
 */
export class Ledger1765440000000 implements MigrationInterface {
  name = 'Ledger1765440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing_accounts (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind                  text NOT NULL CHECK (kind IN ('user', 'shared', 'system')),
        name                  text NOT NULL,
        -- A user's own account; null for a shared or system account (and once its user is deleted).
        owner_id              uuid UNIQUE REFERENCES users (id) ON DELETE SET NULL,
        mode                  text NOT NULL CHECK (mode IN ('prepaid', 'postpaid')),
        daily_limit_micros    bigint CHECK (daily_limit_micros > 0),
        monthly_limit_micros  bigint CHECK (monthly_limit_micros > 0),
        currency              char(3),
        balance_micros        bigint NOT NULL DEFAULT 0,
        created_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT billing_accounts_prepaid_not_overspent CHECK (mode <> 'prepaid' OR balance_micros >= 0),
        CONSTRAINT billing_accounts_limits_postpaid CHECK (mode = 'postpaid' OR (daily_limit_micros IS NULL AND monthly_limit_micros IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX billing_accounts_system_name_key ON billing_accounts (name) WHERE kind = 'system'`);
    // Where the money of the users' accounts goes and comes from: held for live calls, earned, paid in.
    await q.query(`INSERT INTO billing_accounts (kind, name, mode) VALUES ('system', 'holds', 'postpaid'), ('system', 'revenue', 'postpaid'), ('system', 'funding', 'postpaid')`);
    await q.query(`
      CREATE TABLE billing_members (
        user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        account_id  uuid NOT NULL REFERENCES billing_accounts (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX billing_members_account_idx ON billing_members (account_id)`);
    await q.query(`
      CREATE TABLE ledger_transactions (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind        text NOT NULL CHECK (kind IN ('top_up', 'reservation', 'capture', 'release', 'refund', 'adjustment', 'host_earning', 'platform_fee')),
        -- What it is for: call:<uuid>, admin:<uuid>, voucher:<hash>.
        cause       text NOT NULL,
        actor       text,
        reason      text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_transactions_cause_kind_key UNIQUE (cause, kind)
      )`);
    await q.query(`
      CREATE TABLE ledger_postings (
        tx_id          bigint NOT NULL REFERENCES ledger_transactions (id),
        account_id     uuid NOT NULL REFERENCES billing_accounts (id),
        amount_micros  bigint NOT NULL CHECK (amount_micros <> 0),
        PRIMARY KEY (tx_id, account_id)
      )`);
    await q.query(`CREATE INDEX ledger_postings_account_idx ON ledger_postings (account_id, tx_id)`);
    await q.query(`
      CREATE TABLE call_reservations (
        call_uuid           uuid PRIMARY KEY,
        account_id          uuid NOT NULL REFERENCES billing_accounts (id),
        user_id             uuid,
        amount_micros       bigint NOT NULL CHECK (amount_micros >= 0),
        -- Seconds of talk the amount buys, counted from the answer.
        seconds             integer NOT NULL CHECK (seconds > 0),
        -- The sell row that priced it, so the end captures by the same rule.
        rate_micros         bigint NOT NULL,
        connect_fee_micros  bigint NOT NULL,
        first_s             integer NOT NULL,
        next_s              integer NOT NULL,
        minimum_s           integer NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        closed_at           timestamptz,
        captured_micros     bigint
      )`);
    await q.query(`CREATE INDEX call_reservations_open_idx ON call_reservations (account_id) WHERE closed_at IS NULL`);
    await q.query(`
      CREATE TABLE vouchers (
        -- SHA-256 of the code: a leaked table redeems nothing.
        code_hash      text PRIMARY KEY,
        amount_micros  bigint NOT NULL CHECK (amount_micros > 0),
        currency       char(3) NOT NULL,
        created_by     text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        redeemed_by    uuid,
        redeemed_at    timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vouchers`);
    await q.query(`DROP TABLE call_reservations`);
    await q.query(`DROP TABLE ledger_postings`);
    await q.query(`DROP TABLE ledger_transactions`);
    await q.query(`DROP TABLE billing_members`);
    await q.query(`DROP TABLE billing_accounts`);
  }
}

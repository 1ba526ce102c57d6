import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prices. Rate decks by name ("sell": what users pay; any other name: the
 * carrier deck of the gateway so named), each import a new version in effect
 * from its date on and never changed afterwards; a call is priced by the
 * versions in effect when it started. Amounts are integer millionths of the
 * deck's currency. A call's charge is kept beside its record, by the first
 * leg's uuid, written once when the record arrives and again only by an
 * explicit re-rating.
 */
export class Rates1765267200000 implements MigrationInterface {
  name = 'Rates1765267200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_decks (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name            text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
        currency        char(3) NOT NULL,
        effective_from  date NOT NULL,
        row_count       integer NOT NULL CHECK (row_count > 0),
        imported_by     text NOT NULL,
        imported_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rate_decks_name_effective_key UNIQUE (name, effective_from)
      )`);
    await q.query(`
      CREATE TABLE rate_deck_rows (
        deck_id             uuid NOT NULL REFERENCES rate_decks (id) ON DELETE CASCADE,
        prefix              text NOT NULL CHECK (prefix ~ '^\\+[1-9][0-9]{0,14}$'),
        destination         text NOT NULL,
        rate_micros         bigint NOT NULL CHECK (rate_micros >= 0),
        connect_fee_micros  bigint NOT NULL CHECK (connect_fee_micros >= 0),
        first_s             integer NOT NULL CHECK (first_s > 0),
        next_s              integer NOT NULL CHECK (next_s > 0),
        minimum_s           integer NOT NULL CHECK (minimum_s >= 0),
        PRIMARY KEY (deck_id, prefix)
      )`);
    await q.query(`
      CREATE TABLE call_charges (
        -- The first leg's uuid: one charge per call.
        call_uuid       uuid PRIMARY KEY,
        user_id         uuid,
        country         text,
        started_at      timestamptz NOT NULL,
        currency        char(3) NOT NULL,
        -- Seconds billed by the sell row's increments; null when no sell rate applied.
        billed_s        integer CHECK (billed_s >= 0),
        sell_micros     bigint CHECK (sell_micros >= 0),
        sell_deck_id    uuid REFERENCES rate_decks (id) ON DELETE SET NULL,
        sell_prefix     text,
        carrier_micros  bigint CHECK (carrier_micros >= 0),
        carrier_deck_id uuid REFERENCES rate_decks (id) ON DELETE SET NULL,
        carrier_prefix  text,
        rated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX call_charges_started_idx ON call_charges (started_at)`);
    await q.query(`CREATE INDEX call_charges_user_started_idx ON call_charges (user_id, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE call_charges`);
    await q.query(`DROP TABLE rate_deck_rows`);
    await q.query(`DROP TABLE rate_decks`);
  }
}

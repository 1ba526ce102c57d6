import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data keys (envelope encryption, crypto-shredding) and call records, one row per leg. */
export class CallRecords1763719200000 implements MigrationInterface {
  name = 'CallRecords1763719200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN privacy_mode boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE data_keys (
        owner          text PRIMARY KEY,
        key_id         text NOT NULL CONSTRAINT data_keys_key_id_key UNIQUE,
        master_key_id  text NOT NULL,
        wrapped        text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX data_keys_master_idx ON data_keys (master_key_id)`);
    await q.query(`
      CREATE TABLE cdrs (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- The leg's own channel uuid; far legs also name the first leg they belong to.
        call_uuid       uuid NOT NULL,
        leg             char(1) NOT NULL CHECK (leg IN ('a', 'b')),
        origin_uuid     uuid NOT NULL,
        -- No foreign key: a record outlives its user (erasure leaves it anonymous).
        user_id         uuid,
        direction       text NOT NULL CHECK (direction IN ('outbound', 'inbound', 'internal')),
        node            text NOT NULL,
        started_at      timestamptz NOT NULL,
        answered_at     timestamptz,
        ended_at        timestamptz NOT NULL,
        duration_s      integer NOT NULL CHECK (duration_s >= 0),
        billsec         integer NOT NULL CHECK (billsec >= 0),
        hangup_cause    text NOT NULL,
        sip_status      smallint,
        gateway         text,
        decision        text,
        reason          text,
        country         text,
        -- Personal fields: sealed with the owner's data key; numbers searchable only through the blind index.
        destination_enc text,
        destination_idx text,
        caller_enc      text,
        caller_idx      text,
        raw_enc         text NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cdrs_call_leg_key UNIQUE (call_uuid, leg)
      )`);
    // Ciphertext does not compress: spare the database the attempt on every row.
    await q.query(`ALTER TABLE cdrs ALTER COLUMN raw_enc SET STORAGE EXTERNAL`);
    await q.query(`CREATE INDEX cdrs_user_started_idx ON cdrs (user_id, started_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cdrs_started_idx ON cdrs (started_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cdrs_origin_idx ON cdrs (origin_uuid)`);
    // First legs in start and in end order, for the concurrent-call sweep (index-only, merged without a sort).
    await q.query(`CREATE INDEX cdrs_first_leg_started_idx ON cdrs (started_at) INCLUDE (ended_at) WHERE leg = 'a'`);
    await q.query(`CREATE INDEX cdrs_first_leg_ended_idx ON cdrs (ended_at) INCLUDE (started_at) WHERE leg = 'a'`);
    await q.query(`CREATE INDEX cdrs_destination_idx ON cdrs (destination_idx) WHERE destination_idx IS NOT NULL`);
    await q.query(`CREATE INDEX cdrs_caller_idx ON cdrs (caller_idx) WHERE caller_idx IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cdrs`);
    await q.query(`DROP TABLE data_keys`);
    await q.query(`ALTER TABLE users DROP COLUMN privacy_mode`);
  }
}

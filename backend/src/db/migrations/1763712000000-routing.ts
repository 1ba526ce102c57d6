import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SIP credentials per session, extensions and home countries for users, DIDs owned by users. */
export class Routing1763712000000 implements MigrationInterface {
  name = 'Routing1763712000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN extension text CONSTRAINT users_extension_key UNIQUE CHECK (extension ~ '^[0-9]{2,6}$')`);
    await q.query(`ALTER TABLE users ADD COLUMN default_country text CHECK (default_country ~ '^[A-Z]{2}$')`);
    await q.query(`
      CREATE TABLE sip_credentials (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        session_id  uuid NOT NULL,
        realm       text NOT NULL,
        a1_hash     text NOT NULL CHECK (a1_hash ~ '^[0-9a-f]{32}$'),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        CONSTRAINT sip_credentials_session_key UNIQUE (user_id, session_id)
      )`);
    await q.query(`CREATE INDEX sip_credentials_user_idx ON sip_credentials (user_id, expires_at)`);
    await q.query(`
      CREATE TABLE dids (
        number      text PRIMARY KEY CHECK (number ~ '^\\+[1-9][0-9]{6,14}$'),
        user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label       text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX dids_user_idx ON dids (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dids`);
    await q.query(`DROP TABLE sip_credentials`);
    await q.query(`ALTER TABLE users DROP COLUMN default_country`);
    await q.query(`ALTER TABLE users DROP COLUMN extension`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, refresh-token families and the audit trail. */
export class Foundation1763704800000 implements MigrationInterface {
  name = 'Foundation1763704800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         text NOT NULL CONSTRAINT users_email_key UNIQUE CHECK (email = lower(email)),
        display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        role          text NOT NULL CHECK (role IN ('user', 'admin')),
        password_hash text NOT NULL,
        disabled      boolean NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id      uuid NOT NULL,
        token_hash     text NOT NULL CONSTRAINT refresh_tokens_token_hash_key UNIQUE,
        created_at     timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        used_at        timestamptz,
        revoked_at     timestamptz,
        revoked_reason text
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await q.query(`
      CREATE TABLE audit_log (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor_id    uuid,
        actor_email text,
        action      text NOT NULL,
        outcome     text NOT NULL CHECK (outcome IN ('ok', 'failed', 'denied')),
        target_type text,
        target_id   text,
        ip          text,
        details     jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE users`);
  }
}

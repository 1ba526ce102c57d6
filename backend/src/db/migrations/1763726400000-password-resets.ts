import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Password reset links: each one's SHA-256 only, single use, short-lived. */
export class PasswordResets1763726400000 implements MigrationInterface {
  name = 'PasswordResets1763726400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE password_reset_tokens (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash  text NOT NULL CONSTRAINT password_reset_tokens_token_hash_key UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await q.query(`CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_reset_tokens`);
  }
}

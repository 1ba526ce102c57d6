import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts signed in with Nextcloud: which Nextcloud account (issuer and
 * subject, never the email) belongs to which user, and the provider's refresh
 * token (sealed with the user's data key), asked again at most every
 * NEXTCLOUD_RECHECK_SECONDS whether the account may still sign in; with
 * Nextcloud's OAuth2 app also the access token that reads the user's address
 * books over DAV, sealed the same way.
 */
export class NextcloudIdentities1765008000000 implements MigrationInterface {
  name = 'NextcloudIdentities1765008000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE nextcloud_identities (
        user_id            uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        issuer             text NOT NULL,
        subject            text NOT NULL,
        -- Sealed: the provider's refresh token; null when it gave none.
        refresh_token_enc  text,
        access_token_enc   text,
        access_expires_at  timestamptz,
        checked_at         timestamptz NOT NULL DEFAULT now(),
        created_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (issuer, subject)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE nextcloud_identities`);
  }
}

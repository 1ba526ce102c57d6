import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each user's Nextcloud address books over CardDAV, cached: the connection
 * (credentials sealed with the user's data key), the address books found, and
 * their cards' names, organisations and numbers sealed the same way; numbers
 * found through the blind index. Everything hangs off the connection, so
 * disconnecting or erasing the user removes it all in one delete.
 */
export class NextcloudContacts1764921600000 implements MigrationInterface {
  name = 'NextcloudContacts1764921600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE nextcloud_connections (
        user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        -- Sealed: how to sign in to the CardDAV server (user name and app password, JSON).
        credentials_enc  text NOT NULL,
        last_synced_at   timestamptz,
        -- Why the last sync failed (credentials_refused, unreachable, server_error); null after a good one.
        last_error       text,
        last_error_at    timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE nextcloud_address_books (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES nextcloud_connections (user_id) ON DELETE CASCADE,
        -- A keyed hash of the collection's URL (which carries the user name), and the URL sealed.
        url_idx     text NOT NULL,
        url_enc     text NOT NULL,
        -- The server's own markers of what changed: RFC 6578 sync token, else the collection's ctag.
        sync_token  text,
        ctag        text,
        UNIQUE (user_id, url_idx)
      )`);
    await q.query(`
      CREATE TABLE nextcloud_contacts (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id           uuid NOT NULL,
        book_id           uuid NOT NULL REFERENCES nextcloud_address_books (id) ON DELETE CASCADE,
        -- A keyed hash of the card's URL; its ETag, to fetch only cards that changed.
        href_idx          text NOT NULL,
        etag              text,
        -- Sealed: display name, organisation, the numbers with their labels (JSON).
        name_enc          text NOT NULL,
        organisation_enc  text,
        numbers_enc       text NOT NULL,
        -- The blind index of each number that reads as E.164.
        number_idx        text[] NOT NULL,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (book_id, href_idx)
      )`);
    await q.query(`CREATE INDEX nextcloud_contacts_user_idx ON nextcloud_contacts (user_id)`);
    await q.query(`CREATE INDEX nextcloud_contacts_number_idx ON nextcloud_contacts USING gin (number_idx)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE nextcloud_contacts`);
    await q.query(`DROP TABLE nextcloud_address_books`);
    await q.query(`DROP TABLE nextcloud_connections`);
  }
}

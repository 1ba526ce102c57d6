import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each user's address book: names, numbers and notes sealed with the user's data key; numbers found through the blind index. */
export class Contacts1764748800000 implements MigrationInterface {
  name = 'Contacts1764748800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contacts (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        -- Sealed: display name, organisation, the numbers with their labels (JSON), note.
        name_enc         text NOT NULL,
        organisation_enc text,
        numbers_enc      text NOT NULL,
        note_enc         text,
        -- The blind index of each E.164 number, for lookups without opening every row.
        number_idx       text[] NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contacts_user_idx ON contacts (user_id)`);
    await q.query(`CREATE INDEX contacts_number_idx ON contacts USING gin (number_idx)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contacts`);
  }
}

// The contacts table, and nothing else: rows as stored, sealed fields and all.
import type { DataSource, EntityManager } from 'typeorm';

export interface ContactRow {
  id: string;
  user_id: string;
  name_enc: string;
  organisation_enc: string | null;
  numbers_enc: string;
  note_enc: string | null;
  number_idx: string[];
  created_at: Date;
  updated_at: Date;
}

/** A row's sealed fields, as the service writes them. */
export interface SealedContact {
  name_enc: string;
  organisation_enc: string | null;
  numbers_enc: string;
  note_enc: string | null;
  number_idx: string[];
}

type Db = Pick<EntityManager, 'query'>;

export class ContactRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every contact of one user (at most the per-user limit). */
  ofUser(userId: string): Promise<ContactRow[]> {
    return this.dataSource.query<ContactRow[]>(`SELECT * FROM contacts WHERE user_id = $1`, [userId]);
  }

  /** The user's contacts that have any of these blind indexes. */
  withAnyNumber(userId: string, indexes: string[]): Promise<ContactRow[]> {
    return this.dataSource.query<ContactRow[]>(`SELECT * FROM contacts WHERE user_id = $1 AND number_idx && $2::text[]`, [userId, indexes]);
  }

  async one(userId: string, id: string): Promise<ContactRow | null> {
    const rows = await this.dataSource.query<ContactRow[]>(`SELECT * FROM contacts WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0] ?? null;
  }

  /** Work on one user's contacts in a transaction that holds that user's address-book lock (so a count stays true until commit). */
  transaction<T>(userId: string, work: (tx: ContactTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('contacts:' || $1))`, [userId]);
      return work(new ContactTransaction(m, userId));
    });
  }
}

export class ContactTransaction {
  constructor(
    private readonly db: Db,
    private readonly userId: string,
  ) {}

  async count(): Promise<number> {
    const rows = await this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM contacts WHERE user_id = $1`, [this.userId]);
    return rows[0]?.n ?? 0;
  }

  /** The id is chosen first: the sealed fields are bound to it. */
  async insert(id: string, c: SealedContact): Promise<ContactRow> {
    const rows = await this.db.query<ContactRow[]>(
      `INSERT INTO contacts (id, user_id, name_enc, organisation_enc, numbers_enc, note_enc, number_idx) VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) RETURNING *`,
      [id, this.userId, c.name_enc, c.organisation_enc, c.numbers_enc, c.note_enc, c.number_idx],
    );
    return rows[0]!;
  }

  /** The row as changed, or null when this user has no such contact (any more). */
  async update(id: string, c: SealedContact): Promise<ContactRow | null> {
    const [rows] = await this.db.query<[ContactRow[], number]>(
      `UPDATE contacts SET name_enc = $3, organisation_enc = $4, numbers_enc = $5, note_enc = $6, number_idx = $7::text[], updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING *`,
      [id, this.userId, c.name_enc, c.organisation_enc, c.numbers_enc, c.note_enc, c.number_idx],
    );
    return rows[0] ?? null;
  }

  /** Whether there was such a contact of this user. */
  async delete(id: string): Promise<boolean> {
    const r = await this.db.query<[unknown[], number]>(`DELETE FROM contacts WHERE id = $1 AND user_id = $2`, [id, this.userId]);
    return r[1] > 0;
  }
}

// The Nextcloud contacts tables, and nothing else: connections, the address
// books found on the server, and their cards, rows as stored, sealed fields and all.
import type { DataSource, EntityManager } from 'typeorm';

export interface ConnectionRow {
  user_id: string;
  credentials_enc: string;
  last_synced_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  created_at: Date;
}

export interface BookRow {
  id: string;
  user_id: string;
  url_idx: string;
  url_enc: string;
  sync_token: string | null;
  ctag: string | null;
}

export interface CardRow {
  id: string;
  user_id: string;
  book_id: string;
  href_idx: string;
  etag: string | null;
  name_enc: string;
  organisation_enc: string | null;
  numbers_enc: string;
  number_idx: string[];
  updated_at: Date;
}

/** A card's sealed fields, as the sync writes them (bound to its book and href hash, not to a row id, so an upsert keeps them valid). */
export type SealedCard = Pick<CardRow, 'href_idx' | 'etag' | 'name_enc' | 'organisation_enc' | 'numbers_enc' | 'number_idx'>;

type Db = Pick<EntityManager, 'query'>;

export class NextcloudContactRepository {
  constructor(private readonly dataSource: DataSource) {}

  async connection(userId: string): Promise<ConnectionRow | null> {
    const rows = await this.dataSource.query<ConnectionRow[]>(`SELECT * FROM nextcloud_connections WHERE user_id = $1`, [userId]);
    return rows[0] ?? null;
  }

  /** Connects (or reconnects with new credentials): the old books and cards go, as they may be another account's. */
  async connect(userId: string, credentialsEnc: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM nextcloud_connections WHERE user_id = $1`, [userId]);
      await m.query(`INSERT INTO nextcloud_connections (user_id, credentials_enc) VALUES ($1, $2)`, [userId, credentialsEnc]);
    });
  }

  /** Whether there was a connection; its books and cards go with it. */
  async disconnect(userId: string): Promise<boolean> {
    const r = await this.dataSource.query<[unknown[], number]>(`DELETE FROM nextcloud_connections WHERE user_id = $1`, [userId]);
    return r[1] > 0;
  }

  async connectedUsers(): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ user_id: string }>>(`SELECT user_id FROM nextcloud_connections ORDER BY last_synced_at NULLS FIRST, user_id`);
    return rows.map((r) => r.user_id);
  }

  async recordSynced(userId: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE nextcloud_connections SET last_synced_at = $2, last_error = NULL, last_error_at = NULL WHERE user_id = $1`, [userId, at]);
  }

  async recordFailure(userId: string, code: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE nextcloud_connections SET last_error = $2, last_error_at = $3 WHERE user_id = $1`, [userId, code, at]);
  }

  books(userId: string): Promise<BookRow[]> {
    return this.dataSource.query<BookRow[]>(`SELECT * FROM nextcloud_address_books WHERE user_id = $1 ORDER BY id`, [userId]);
  }

  /** The book's row, added when new; null when the user is no longer connected (disconnected or erased meanwhile). */
  async ensureBook(userId: string, urlIdx: string, urlEnc: string): Promise<BookRow | null> {
    const rows = await this.dataSource.query<BookRow[]>(
      `INSERT INTO nextcloud_address_books (user_id, url_idx, url_enc)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM nextcloud_connections WHERE user_id = $1)
       ON CONFLICT (user_id, url_idx) DO UPDATE SET url_enc = nextcloud_address_books.url_enc
       RETURNING *`,
      [userId, urlIdx, urlEnc],
    );
    return rows[0] ?? null;
  }

  /** Books the server no longer lists go, with their cards. */
  async keepOnlyBooks(userId: string, ids: string[]): Promise<void> {
    await this.dataSource.query(`DELETE FROM nextcloud_address_books WHERE user_id = $1 AND NOT (id = ANY($2::uuid[]))`, [userId, ids]);
  }

  /** The ETag stored for each card of a book, by href hash. */
  async etags(bookId: string): Promise<Map<string, string | null>> {
    const rows = await this.dataSource.query<Array<{ href_idx: string; etag: string | null }>>(`SELECT href_idx, etag FROM nextcloud_contacts WHERE book_id = $1`, [bookId]);
    return new Map(rows.map((r) => [r.href_idx, r.etag]));
  }

  /**
   * One sync step of a book, in one transaction: cards written, cards gone,
   * and the book's new sync token or ctag, so a failure halfway leaves the
   * old token and the next sync asks again. `exactly`: the hrefs the server
   * listed in full, every other card of the book goes.
   */
  async applyChanges(book: BookRow, change: { upserts: SealedCard[]; deletes: string[]; exactly?: string[]; syncToken: string | null; ctag: string | null }): Promise<void> {
    await this.dataSource.transaction(async (m: Db) => {
      for (const c of change.upserts) {
        await m.query(
          `INSERT INTO nextcloud_contacts (user_id, book_id, href_idx, etag, name_enc, organisation_enc, numbers_enc, number_idx)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[])
           ON CONFLICT (book_id, href_idx) DO UPDATE SET etag = EXCLUDED.etag, name_enc = EXCLUDED.name_enc, organisation_enc = EXCLUDED.organisation_enc,
             numbers_enc = EXCLUDED.numbers_enc, number_idx = EXCLUDED.number_idx, updated_at = now()`,
          [book.user_id, book.id, c.href_idx, c.etag, c.name_enc, c.organisation_enc, c.numbers_enc, c.number_idx],
        );
      }
      if (change.deletes.length > 0) await m.query(`DELETE FROM nextcloud_contacts WHERE book_id = $1 AND href_idx = ANY($2::text[])`, [book.id, change.deletes]);
      if (change.exactly) await m.query(`DELETE FROM nextcloud_contacts WHERE book_id = $1 AND NOT (href_idx = ANY($2::text[]))`, [book.id, change.exactly]);
      await m.query(`UPDATE nextcloud_address_books SET sync_token = $2, ctag = $3 WHERE id = $1`, [book.id, change.syncToken, change.ctag]);
    });
  }

  cardsOf(userId: string): Promise<CardRow[]> {
    return this.dataSource.query<CardRow[]>(`SELECT * FROM nextcloud_contacts WHERE user_id = $1`, [userId]);
  }

  withAnyNumber(userId: string, indexes: string[]): Promise<CardRow[]> {
    return this.dataSource.query<CardRow[]>(`SELECT * FROM nextcloud_contacts WHERE user_id = $1 AND number_idx && $2::text[]`, [userId, indexes]);
  }

  async counts(userId: string): Promise<{ books: number; contacts: number }> {
    const rows = await this.dataSource.query<Array<{ books: number; contacts: number }>>(
      `SELECT (SELECT count(*)::int FROM nextcloud_address_books WHERE user_id = $1) AS books, (SELECT count(*)::int FROM nextcloud_contacts WHERE user_id = $1) AS contacts`,
      [userId],
    );
    return rows[0] ?? { books: 0, contacts: 0 };
  }
}

// The dids table, and nothing else: which number rings whom.
import type { DataSource, EntityManager } from 'typeorm';

export interface Did {
  number: string;
  userId: string;
  label: string;
  createdAt: Date;
}

interface DidRow {
  number: string;
  user_id: string;
  label: string;
  created_at: Date;
}

const toDid = (r: DidRow): Did => ({ number: r.number, userId: r.user_id, label: r.label, createdAt: r.created_at });
const FOREIGN_KEY_VIOLATION = '23503';

type Db = Pick<EntityManager, 'query'>;

export class DidRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<Did[]> {
    return (await this.dataSource.query<DidRow[]>(`SELECT * FROM dids ORDER BY number`)).map(toDid);
  }

  async byNumber(e164: string): Promise<Did | null> {
    const rows = await this.dataSource.query<DidRow[]>(`SELECT * FROM dids WHERE number = $1`, [e164]);
    return rows[0] ? toDid(rows[0]) : null;
  }

  async ofUser(userId: string): Promise<Did[]> {
    return (await this.dataSource.query<DidRow[]>(`SELECT * FROM dids WHERE user_id = $1 ORDER BY number`, [userId])).map(toDid);
  }

  /** Work on the table inside one transaction (with the manager for what must commit with it, such as the audit entry). */
  transaction<T>(work: (tx: DidTransaction, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((m) => work(new DidTransaction(m), m));
  }
}

export class DidTransaction {
  constructor(private readonly db: Db) {}

  /** The new assignment; 'taken' when the number is someone's already, 'no_user' when the user does not exist. */
  async insert(input: { number: string; userId: string; label: string }): Promise<Did | 'taken' | 'no_user'> {
    try {
      const rows = await this.db.query<DidRow[]>(`INSERT INTO dids (number, user_id, label) VALUES ($1, $2, $3) ON CONFLICT (number) DO NOTHING RETURNING *`, [
        input.number,
        input.userId,
        input.label,
      ]);
      return rows[0] ? toDid(rows[0]) : 'taken';
    } catch (err) {
      if ((err as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) return 'no_user';
      throw err;
    }
  }

  /** Whether there was such a number. */
  async delete(e164: string): Promise<boolean> {
    const r = await this.db.query<[unknown[], number]>(`DELETE FROM dids WHERE number = $1`, [e164]);
    return r[1] > 0;
  }
}

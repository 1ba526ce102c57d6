// The sip_credentials table, and nothing else: one digest A1 per signed-in
// session, with its realm and expiry.
import type { DataSource } from 'typeorm';

export interface StoredCredential {
  sessionId: string;
  realm: string;
  a1Hash: string;
  createdAt: Date;
  expiresAt: Date;
}

interface Row {
  session_id: string;
  realm: string;
  a1_hash: string;
  created_at: Date;
  expires_at: Date;
}

const toCredential = (r: Row): StoredCredential => ({ sessionId: r.session_id, realm: r.realm, a1Hash: r.a1_hash, createdAt: r.created_at, expiresAt: r.expires_at });

export class SipCredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The session's credential, replacing the one it had. */
  async put(userId: string, c: Omit<StoredCredential, 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sip_credentials (user_id, session_id, realm, a1_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, session_id) DO UPDATE SET realm = EXCLUDED.realm, a1_hash = EXCLUDED.a1_hash, created_at = now(), expires_at = EXCLUDED.expires_at`,
      [userId, c.sessionId, c.realm, c.a1Hash, c.expiresAt],
    );
  }

  /** Removes the user's credentials (one session's, or all); how many there were. */
  async remove(userId: string, sessionId?: string): Promise<number> {
    const r = await this.dataSource.query<[unknown[], number]>(
      sessionId === undefined ? `DELETE FROM sip_credentials WHERE user_id = $1` : `DELETE FROM sip_credentials WHERE user_id = $1 AND session_id = $2`,
      sessionId === undefined ? [userId] : [userId, sessionId],
    );
    return r[1];
  }

  /** The user's credentials that have not expired, newest first, at most `limit`. */
  async unexpired(userId: string, limit: number): Promise<StoredCredential[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT session_id, realm, a1_hash, created_at, expires_at FROM sip_credentials WHERE user_id = $1 AND expires_at > now() ORDER BY created_at DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toCredential);
  }

  /** Every credential of the user, oldest first (for their data export). */
  async of(userId: string): Promise<StoredCredential[]> {
    const rows = await this.dataSource.query<Row[]>(`SELECT session_id, realm, a1_hash, created_at, expires_at FROM sip_credentials WHERE user_id = $1 ORDER BY created_at`, [userId]);
    return rows.map(toCredential);
  }
}

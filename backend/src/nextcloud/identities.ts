// Which Nextcloud account belongs to which user: linked by (issuer, subject),
// never by email. The provider's refresh token is sealed with the user's data
// key; claiming a recheck is one conditional UPDATE, so of two refreshes at
// once on any replicas only one spends the provider's (rotating) token.
import type { DataSource } from 'typeorm';
import type { KeyRing } from '../crypto/keys.js';
import { ownerOfUser } from '../crypto/keys.js';

export interface NextcloudIdentity {
  userId: string;
  issuer: string;
  subject: string;
  createdAt: Date;
}

interface Row {
  user_id: string;
  issuer: string;
  subject: string;
  refresh_token_enc: string | null;
  created_at: Date;
}

const field = (userId: string) => ({ table: 'nextcloud_identities', column: 'refresh_token_enc', row: userId });
const identity = (r: Row): NextcloudIdentity => ({ userId: r.user_id, issuer: r.issuer, subject: r.subject, createdAt: new Date(r.created_at) });

export class NextcloudIdentities {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: Pick<KeyRing, 'seal' | 'open'>,
  ) {}

  async find(issuer: string, subject: string): Promise<NextcloudIdentity | null> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM nextcloud_identities WHERE issuer = $1 AND subject = $2`, [issuer, subject]);
    return rows[0] ? identity(rows[0]) : null;
  }

  async ofUser(userId: string): Promise<NextcloudIdentity | null> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM nextcloud_identities WHERE user_id = $1`, [userId]);
    return rows[0] ? identity(rows[0]) : null;
  }

  /**
   * Links the user to the Nextcloud account (or refreshes the link's token).
   * False when that Nextcloud account belongs to another user, or the user
   * to another Nextcloud account.
   */
  async link(userId: string, issuer: string, subject: string, refreshToken: string | null): Promise<boolean> {
    const sealed = refreshToken === null ? null : await this.keys.seal(ownerOfUser(userId), refreshToken, field(userId));
    const rows = await this.dataSource.query<Array<{ user_id: string }>>(
      `INSERT INTO nextcloud_identities (user_id, issuer, subject, refresh_token_enc) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [userId, issuer, subject, sealed],
    );
    if (rows.length > 0) return true;
    // UPDATE and DELETE … RETURNING answer [rows, count] through TypeORM's postgres driver.
    const [updated] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE nextcloud_identities SET refresh_token_enc = $4, checked_at = now() WHERE user_id = $1 AND issuer = $2 AND subject = $3 RETURNING user_id`,
      [userId, issuer, subject, sealed],
    );
    return updated.length > 0;
  }

  async unlink(userId: string): Promise<boolean> {
    const [removed] = await this.dataSource.query<[unknown[], number]>(`DELETE FROM nextcloud_identities WHERE user_id = $1 RETURNING user_id`, [userId]);
    return removed.length > 0;
  }

  /**
   * The refresh token to ask Nextcloud with, when the user's last check is
   * older than `olderThanSeconds` — and the check is claimed (no other
   * refresh asks until then). Null: linked but nothing to ask yet, or not linked.
   */
  async claimRecheck(userId: string, olderThanSeconds: number): Promise<{ refreshToken: string | null } | null> {
    const [claimed] = await this.dataSource.query<[Row[], number]>(
      `UPDATE nextcloud_identities SET checked_at = now()
        WHERE user_id = $1 AND checked_at <= now() - make_interval(secs => $2)
        RETURNING *`,
      [userId, olderThanSeconds],
    );
    const row = claimed[0];
    if (!row) return null;
    return { refreshToken: row.refresh_token_enc === null ? null : await this.keys.open(row.refresh_token_enc, field(userId)) };
  }

  /** After a good recheck: the provider's new refresh token (it may rotate). */
  async replaceToken(userId: string, refreshToken: string | null): Promise<void> {
    const sealed = refreshToken === null ? null : await this.keys.seal(ownerOfUser(userId), refreshToken, field(userId));
    await this.dataSource.query(`UPDATE nextcloud_identities SET refresh_token_enc = $2 WHERE user_id = $1`, [userId, sealed]);
  }
}

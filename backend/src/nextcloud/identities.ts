// Which Nextcloud account belongs to which user: linked by (issuer, subject),
// never by email. The provider's tokens are sealed with the user's data key.
// Nextcloud rotates refresh tokens, so every use of one happens under the
// row's lock: of two refreshes at once on any replicas, the second waits and
// finds the tokens the first was given.
import type { DataSource, EntityManager } from 'typeorm';
import type { KeyRing } from '../crypto/keys.js';
import { ownerOfUser } from '../crypto/keys.js';

export interface NextcloudIdentity {
  userId: string;
  issuer: string;
  subject: string;
  createdAt: Date;
}

/** The provider's tokens for one user, opened. */
export interface GrantTokens {
  refreshToken: string | null;
  accessToken: string | null;
  accessExpiresAt: Date | null;
}

interface Row {
  user_id: string;
  issuer: string;
  subject: string;
  refresh_token_enc: string | null;
  access_token_enc: string | null;
  access_expires_at: Date | null;
  checked_at: Date;
  created_at: Date;
}

const field = (userId: string, column: 'refresh_token_enc' | 'access_token_enc') => ({ table: 'nextcloud_identities', column, row: userId });
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
   * Links the user to the Nextcloud account (or renews the link's tokens;
   * null keeps those held). False when that Nextcloud account belongs to
   * another user, or the user to another Nextcloud account.
   */
  async link(userId: string, issuer: string, subject: string, tokens: GrantTokens | null): Promise<boolean> {
    const [refresh, access] = tokens === null ? [null, null] : await this.sealTokens(userId, tokens);
    const rows = await this.dataSource.query<Array<{ user_id: string }>>(
      `INSERT INTO nextcloud_identities (user_id, issuer, subject, refresh_token_enc, access_token_enc, access_expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [userId, issuer, subject, refresh, access, tokens?.accessExpiresAt ?? null],
    );
    if (rows.length > 0) return true;
    if (tokens === null) return (await this.ofUser(userId))?.subject === subject && (await this.find(issuer, subject))?.userId === userId;
    // UPDATE and DELETE … RETURNING answer [rows, count] through TypeORM's postgres driver.
    const [updated] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE nextcloud_identities SET refresh_token_enc = $4, access_token_enc = $5, access_expires_at = $6, checked_at = now()
        WHERE user_id = $1 AND issuer = $2 AND subject = $3 RETURNING user_id`,
      [userId, issuer, subject, refresh, access, tokens.accessExpiresAt],
    );
    return updated.length > 0;
  }

  async unlink(userId: string): Promise<boolean> {
    const [removed] = await this.dataSource.query<[unknown[], number]>(`DELETE FROM nextcloud_identities WHERE user_id = $1 RETURNING user_id`, [userId]);
    return removed.length > 0;
  }

  /** When Nextcloud was last asked about the user; null when not linked. */
  async checkedAt(userId: string): Promise<Date | null> {
    const rows = await this.dataSource.query<Array<{ checked_at: Date }>>(`SELECT checked_at FROM nextcloud_identities WHERE user_id = $1`, [userId]);
    return rows[0] ? new Date(rows[0].checked_at) : null;
  }

  /** The access token held for the user and until when, without waiting for any lock. */
  async accessToken(userId: string): Promise<{ token: string; expiresAt: Date } | null> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM nextcloud_identities WHERE user_id = $1`, [userId]);
    const row = rows[0];
    if (!row?.access_token_enc || !row.access_expires_at) return null;
    const token = await this.keys.open(row.access_token_enc, field(userId, 'access_token_enc'));
    return token === null ? null : { token, expiresAt: new Date(row.access_expires_at) };
  }

  /**
   * Runs `use` with the user's tokens under the row's lock; what it answers
   * replaces them and counts as Nextcloud having been asked (null: nothing
   * changes). Null when the user is not linked.
   */
  async withTokens<T>(userId: string, use: (tokens: GrantTokens & { checkedAt: Date }) => Promise<{ tokens: GrantTokens | null; result: T }>): Promise<T | null> {
    return this.dataSource.transaction(async (m) => {
      const rows = await m.query<Row[]>(`SELECT * FROM nextcloud_identities WHERE user_id = $1 FOR UPDATE`, [userId]);
      const row = rows[0];
      if (!row) return null;
      const { tokens, result } = await use({ ...(await this.openTokens(row)), checkedAt: new Date(row.checked_at) });
      if (tokens !== null) await this.store(m, userId, tokens);
      return result;
    });
  }

  private async store(m: EntityManager, userId: string, tokens: GrantTokens): Promise<void> {
    const [refresh, access] = await this.sealTokens(userId, tokens);
    await m.query(`UPDATE nextcloud_identities SET refresh_token_enc = $2, access_token_enc = $3, access_expires_at = $4, checked_at = now() WHERE user_id = $1`, [userId, refresh, access, tokens.accessExpiresAt]);
  }

  private sealTokens(userId: string, tokens: GrantTokens): Promise<[string | null, string | null]> {
    const seal = (value: string | null, column: 'refresh_token_enc' | 'access_token_enc') => (value === null ? Promise.resolve(null) : this.keys.seal(ownerOfUser(userId), value, field(userId, column)));
    return Promise.all([seal(tokens.refreshToken, 'refresh_token_enc'), seal(tokens.accessToken, 'access_token_enc')]);
  }

  private async openTokens(row: Row): Promise<GrantTokens> {
    const open = (value: string | null, column: 'refresh_token_enc' | 'access_token_enc') => (value === null ? Promise.resolve(null) : this.keys.open(value, field(row.user_id, column)));
    const [refreshToken, accessToken] = await Promise.all([open(row.refresh_token_enc, 'refresh_token_enc'), open(row.access_token_enc, 'access_token_enc')]);
    return { refreshToken, accessToken, accessExpiresAt: row.access_expires_at ? new Date(row.access_expires_at) : null };
  }
}

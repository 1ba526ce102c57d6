import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity.js';

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

export type RotateResult =
  | { kind: 'rotated'; userId: string; next: IssuedRefreshToken }
  | { kind: 'reused'; userId: string; familyId: string }
  | { kind: 'invalid' };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opaque refresh tokens: 256 random bits handed out once, stored as their hash. */
export class RefreshTokenStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlSeconds: number,
  ) {}

  async issue(userId: string, familyId: string = randomUUID(), manager: EntityManager = this.dataSource.manager): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    await manager.insert(RefreshTokenEntity, { userId, familyId, tokenHash: hashToken(token), expiresAt });
    return { token, familyId, expiresAt };
  }

  /**
   * Spends a token and issues its successor in the same family. Spending is a
   * single conditional UPDATE, so two concurrent uses of one token cannot both
   * win. A token that was already spent is a leak: its whole family dies.
   */
  async rotate(token: string): Promise<RotateResult> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'invalid' };
    const tokenHash = hashToken(token);
    return this.dataSource.transaction(async (manager) => {
      const spent = await manager.query<[Array<{ user_id: string; family_id: string }>, number]>(
        `UPDATE refresh_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING user_id, family_id`,
        [tokenHash],
      );
      const row = spent[0][0];
      if (row) {
        const next = await this.issue(row.user_id, row.family_id, manager);
        return { kind: 'rotated', userId: row.user_id, next };
      }
      const known = await manager.findOne(RefreshTokenEntity, { where: { tokenHash } });
      if (known && known.usedAt !== null) {
        await this.revokeFamily(known.familyId, 'reuse', manager);
        return { kind: 'reused', userId: known.userId, familyId: known.familyId };
      }
      return { kind: 'invalid' };
    });
  }

  /** A session (family) is alive while one of its tokens is neither revoked nor expired. */
  async familyIsLive(familyId: string, userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now() LIMIT 1`,
      [familyId, userId],
    );
    return rows.length > 0;
  }

  /** Which of these sessions (families) of the user are alive. */
  async liveFamilies(userId: string, familyIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (familyIds.length === 0) return new Set();
    const rows = await this.dataSource.query<Array<{ family_id: string }>>(
      `SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND family_id = ANY($2::uuid[]) AND revoked_at IS NULL AND expires_at > now()`,
      [userId, familyIds],
    );
    return new Set(rows.map((r) => r.family_id));
  }

  /** The family of a token, if the token is known (used by logout). */
  async familyOf(token: string): Promise<{ userId: string; familyId: string } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const row = await this.dataSource.manager.findOne(RefreshTokenEntity, { where: { tokenHash: hashToken(token) } });
    return row ? { userId: row.userId, familyId: row.familyId } : null;
  }

  async revokeFamily(familyId: string, reason: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const r = await manager.query<[unknown[], number]>(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
    return r[1];
  }

  /** Every session of the user, or every one but `exceptFamilyId` (the one that asked). */
  async revokeAllForUser(userId: string, reason: string, manager: EntityManager = this.dataSource.manager, exceptFamilyId?: string): Promise<number> {
    const r =
      exceptFamilyId === undefined
        ? await manager.query<[unknown[], number]>(`UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`, [userId, reason])
        : await manager.query<[unknown[], number]>(
            `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND family_id <> $3 AND revoked_at IS NULL`,
            [userId, reason, exceptFamilyId],
          );
    return r[1];
  }

  /** Drops tokens that expired more than a day ago; they can prove nothing any more. */
  async prune(): Promise<number> {
    const r = await this.dataSource.query<[unknown[], number]>(`DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'`);
    return r[1];
  }
}

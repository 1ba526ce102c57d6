import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../core/errors.js';

/** How long a mailed link works. */
export const RESET_TOKEN_TTL_SECONDS = 30 * 60;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** 32 random bytes, base64url: what issue() hands out and nothing else looks like. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Why a link does not work, each with its own code. */
export class ResetTokenError extends AppError {
  constructor(why: 'expired' | 'used' | 'invalid') {
    super(400, `reset_token_${why}`, REASONS[why]);
  }
}

const REASONS = {
  expired: 'This link has expired; ask for a new one',
  used: 'This link was already used; ask for a new one',
  invalid: 'This link is not valid (a newer one may have replaced it); ask for a new one',
};

/**
 * The password_reset_tokens table: single-use links, stored as the SHA-256 of
 * the token only. Asking again replaces the earlier links of the account.
 */
export class ResetTokens {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlSeconds = RESET_TOKEN_TTL_SECONDS,
  ) {}

  async issue(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM password_reset_tokens WHERE user_id = $1 OR expires_at < now() - interval '1 day'`, [userId]);
      await m.query(`INSERT INTO password_reset_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [userId, hashToken(token), expiresAt]);
    });
    return { token, expiresAt };
  }

  /** Whose link this is, while it works; throws the reason it does not. */
  async ownerOf(token: string, manager: EntityManager = this.dataSource.manager): Promise<string> {
    if (!TOKEN.test(token)) throw new ResetTokenError('invalid');
    const rows = await manager.query<Array<{ user_id: string; used: boolean; expired: boolean }>>(
      `SELECT user_id, used_at IS NOT NULL AS used, expires_at <= now() AS expired FROM password_reset_tokens WHERE token_hash = $1`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row) throw new ResetTokenError('invalid');
    if (row.used) throw new ResetTokenError('used');
    if (row.expired) throw new ResetTokenError('expired');
    return row.user_id;
  }

  /** Spends the link, inside the caller's transaction: one conditional UPDATE, so two uses cannot both win. */
  async spend(token: string, userId: string, manager: EntityManager): Promise<void> {
    const r = await manager.query<[unknown[], number]>(
      `UPDATE password_reset_tokens SET used_at = now() WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > now()`,
      [hashToken(token), userId],
    );
    if (r[1] === 1) return;
    await this.ownerOf(token, manager); // throws why
    throw new ResetTokenError('used');
  }
}

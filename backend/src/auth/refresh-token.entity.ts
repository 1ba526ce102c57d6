import { EntitySchema } from 'typeorm';

/**
 * One opaque refresh token, stored only as its SHA-256. Tokens issued by
 * rotation share a family: presenting a token that was already used means
 * it leaked, and the whole family is revoked.
 */
export interface RefreshToken {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export const RefreshTokenEntity = new EntitySchema<RefreshToken>({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    userId: { name: 'user_id', type: 'uuid' },
    familyId: { name: 'family_id', type: 'uuid' },
    tokenHash: { name: 'token_hash', type: 'text', unique: true },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
    usedAt: { name: 'used_at', type: 'timestamptz', nullable: true },
    revokedAt: { name: 'revoked_at', type: 'timestamptz', nullable: true },
    revokedReason: { name: 'revoked_reason', type: 'text', nullable: true },
  },
});

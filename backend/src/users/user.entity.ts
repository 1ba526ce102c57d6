import { EntitySchema } from 'typeorm';
import type { PublicUser } from '../core/identity.js';

/** An account as stored: its public view and the hash of its password. */
export interface User extends PublicUser {
  passwordHash: string;
}

/** The password hash of an account made by signing in elsewhere (Nextcloud): no password matches it. */
export const NO_PASSWORD = '!';

export function hasPassword(user: Pick<User, 'passwordHash'>): boolean {
  return user.passwordHash !== NO_PASSWORD;
}

export function toPublicUser({ passwordHash: _hash, ...rest }: User): PublicUser {
  return rest;
}

export const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    email: { type: 'text', unique: true },
    displayName: { name: 'display_name', type: 'text' },
    role: { type: 'text' },
    passwordHash: { name: 'password_hash', type: 'text' },
    disabled: { type: 'boolean', default: false },
    extension: { type: 'text', nullable: true, unique: true },
    defaultCountry: { name: 'default_country', type: 'text', nullable: true },
    privacyMode: { name: 'privacy_mode', type: 'boolean', default: false },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});

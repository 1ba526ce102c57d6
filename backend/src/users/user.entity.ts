import type { Assert, JsonOf, Role as RoleOnTheWire, Same, User as UserOnTheWire } from '@sipcall/contract';
import { EntitySchema } from 'typeorm';

export const ROLES = ['user', 'admin'] as const satisfies readonly RoleOnTheWire[];
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  /** Always stored lower-case; unique. */
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  /** Internal number other users dial to reach this user's devices. */
  extension: string | null;
  /** ISO country that national numbers this user dials belong to (else the system default). */
  defaultCountry: string | null;
  /** Numbers in this user's call history are shown masked but for their last digits. */
  privacyMode: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API shows of a user: never the password hash. */
export type PublicUser = Omit<User, 'passwordHash'>;
type _Checked = Assert<Same<JsonOf<PublicUser>, UserOnTheWire>>;

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

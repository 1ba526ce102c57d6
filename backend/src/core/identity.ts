// Who a request comes from: the roles an account can have and the public view
// of an account, as sign-in establishes it and every route reads it. The
// account itself (and its password hash) belongs to users/.

import type { Assert, JsonOf, Role as RoleOnTheWire, Same, User as UserOnTheWire } from '@sipcall/contract';

export const ROLES = ['user', 'admin'] as const satisfies readonly RoleOnTheWire[];
export type Role = (typeof ROLES)[number];

/** What the API shows of an account; never its password hash. */
export interface PublicUser {
  id: string;
  /** Always stored lower-case; unique. */
  email: string;
  displayName: string;
  role: Role;
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
type _Checked = Assert<Same<JsonOf<PublicUser>, UserOnTheWire>>;

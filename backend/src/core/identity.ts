// Who a request comes from: the roles an account can have and the public view
// of an account, as sign-in establishes it and every route reads it. The
// account itself (and its password hash) belongs to users/.

import type { Role as RoleOnTheWire, User as UserOnTheWire } from '@sipcall/contract';

export const ROLES = ['user', 'admin'] as const satisfies readonly RoleOnTheWire[];
export type Role = (typeof ROLES)[number];

/** What the API shows of an account (never its password hash): the contract's user, with its times as dates. */
export type PublicUser = Omit<UserOnTheWire, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

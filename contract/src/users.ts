export type Role = 'user' | 'admin';

/** An account as the API shows it (never its password). */
export interface User {
  id: string;
  /** Always lower-case; unique. */
  email: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** Internal number others dial to reach this user. */
  extension: string | null;
  /** ISO country national numbers this user dials are read in; null: the server's default. */
  defaultCountry: string | null;
  /** Numbers in this user's history are masked but for their last digits. */
  privacyMode: boolean;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/auth/login and /api/auth/refresh. The refresh token travels only in an httpOnly cookie. */
export interface Session {
  user: User;
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token is good for. */
  expiresIn: number;
}

/** GET /api/users (admin). */
export interface UserPage {
  items: User[];
  nextCursor: string | null;
}

export interface UserQuery {
  limit?: number;
  cursor?: string;
  /** Part of a name or email. */
  q?: string;
}

/** POST /api/users (admin). */
export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  extension?: string;
  defaultCountry?: string;
}

/** PATCH /api/users/:id (admin): only what changes. */
export interface UserPatch {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
  extension?: string | null;
  defaultCountry?: string | null;
}

/** PATCH /api/me: what users change about their own account. */
export interface SettingsPatch {
  privacyMode?: boolean;
  defaultCountry?: string | null;
}

/** POST /api/me/password: the current password proves it is you; your other sessions end. */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** POST /api/auth/password/reset: the token from the mailed link. */
export interface PasswordReset {
  token: string;
  password: string;
}

/**
 * GET /api/auth/providers (public): how one signs in here. More ways (such as
 * Nextcloud) join this object as they come.
 */
export interface SignInProviders {
  /** Email and password. */
  password: boolean;
  /** A forgotten password can be reset by a link sent by mail. */
  passwordReset: boolean;
}

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
  /** Absent only where the account has no password yet (made by signing in with Nextcloud). */
  currentPassword?: string;
  newPassword: string;
}

/** POST /api/auth/password/reset: the token from the mailed link. */
export interface PasswordReset {
  token: string;
  password: string;
}

/**
 * GET /api/auth/providers (public): how one signs in here.
 */
export interface SignInProviders {
  /** Email and password (false with PASSWORD_LOGIN=off). */
  password: boolean;
  /** Only admins may sign in with a password (PASSWORD_LOGIN=admins). */
  passwordAdminsOnly: boolean;
  /** A forgotten password can be reset by a link sent by mail. */
  passwordReset: boolean;
  /** "Sign in with Nextcloud": a plain link to GET /api/auth/nextcloud/start. */
  nextcloud: boolean;
}

/**
 * Why a sign-in with Nextcloud came back to the login page
 * (`/login?signin_error=…`) or a link to Settings (`/settings?nextcloud_link_error=…`).
 */
export type NextcloudSignInError =
  /** The person said no on Nextcloud's consent page. */
  | 'denied'
  /** The sign-in took too long, was opened in another browser, or was already used. */
  | 'flow_lost'
  /** Nextcloud's answer did not check out (wrong issuer, audience, state, nonce, or a spent code). */
  | 'refused'
  /** Nextcloud could not be reached. */
  | 'unavailable'
  /** The Nextcloud account has no email address. */
  | 'no_email'
  /** A SIPCall account with that email exists and is not linked: its owner links it in Settings. */
  | 'email_taken'
  /** The SIPCall account is disabled. */
  | 'account_disabled'
  /** (Linking) that Nextcloud account already belongs to another SIPCall user. */
  | 'linked_elsewhere';

/** GET /api/auth/nextcloud/link: whether the signed-in account is linked to a Nextcloud account. */
export interface NextcloudLink {
  linked: boolean;
  /** The Nextcloud user id, when linked. */
  nextcloudUser: string | null;
  since: string | null;
  /** The account has a password of its own (without one, unlinking would lock it out). */
  hasPassword: boolean;
}

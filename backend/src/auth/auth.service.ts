// Sign-in and sessions: short-lived JWT access tokens, rotating opaque refresh
// tokens whose reuse revokes the whole family, and the checks behind every
// authenticated request (a disabled or deleted user is out at once).
import type { AuditService } from '../audit/audit.service.js';
import { UnauthorizedError } from '../core/errors.js';
import type { PublicUser } from '../core/identity.js';
import { toPublicUser } from '../users/user.entity.js';
import type { UserService } from '../users/users.service.js';
import type { AccessTokens } from './access-tokens.js';
import { ForbiddenError } from '../core/errors.js';
import { hasPassword, type User } from '../users/user.entity.js';
import type { PasswordHasher } from '../crypto/password.js';
import type { IssuedRefreshToken, RefreshTokenStore } from './refresh-tokens.js';
import type { Sessions } from './sessions.js';

export interface Session {
  user: PublicUser;
  accessToken: string;
  expiresIn: number;
  refresh: IssuedRefreshToken;
}

interface AuthServiceDeps {
  users: UserService;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokenStore;
  sessions: Sessions;
  audit: AuditService;
  /** PASSWORD_LOGIN: who may sign in with a password. */
  passwordLogin?: 'all' | 'admins' | 'off';
  /** Asked at every refresh: an account signed in elsewhere may have lost the right there. */
  identityCheck?: { mayRefresh(userId: string, ip: string | null): Promise<boolean> };
}

/** Who is behind a checked access token, and until when the token says so. */
export interface Authenticated {
  user: PublicUser;
  sessionId: string;
  expiresAt: Date;
}

const INVALID_CREDENTIALS = () => new UnauthorizedError('Wrong email or password', 'invalid_credentials');

export class AuthService {
  /** Verified against when the email is unknown, so both paths cost the same. */
  private decoyHash: Promise<string> | null = null;

  constructor(private readonly deps: AuthServiceDeps) {}

  async login(email: string, password: string, ip: string | null): Promise<Session> {
    const { users, passwords, audit } = this.deps;
    const user = await users.findByEmail(email);
    if (!user || !hasPassword(user)) {
      await passwords.verify(await this.decoy(), password);
      await audit.record({ action: 'auth.login', outcome: 'failed', actor: { id: null, email: email.toLowerCase() }, ip, details: { reason: 'unknown_email' } });
      throw INVALID_CREDENTIALS();
    }
    const actor = { id: user.id, email: user.email };
    if (!(await passwords.verify(user.passwordHash, password))) {
      await audit.record({ action: 'auth.login', outcome: 'failed', actor, ip, details: { reason: 'wrong_password' } });
      throw INVALID_CREDENTIALS();
    }
    if (user.disabled) {
      await audit.record({ action: 'auth.login', outcome: 'denied', actor, ip, details: { reason: 'disabled' } });
      throw new UnauthorizedError('This account is disabled', 'account_disabled');
    }
    const policy = this.deps.passwordLogin ?? 'all';
    if (policy === 'off' || (policy === 'admins' && user.role !== 'admin')) {
      await audit.record({ action: 'auth.login', outcome: 'denied', actor, ip, details: { reason: 'password_login_disabled' } });
      throw new ForbiddenError('Password sign-in is switched off here; sign in with Nextcloud', 'password_login_disabled');
    }
    if (await passwords.needsRehash(user.passwordHash)) {
      // Hashed under older cost parameters: upgrade while we hold the plaintext.
      await users.replacePasswordHash(user.id, await passwords.hash(password));
    }
    return this.startSession(user, ip, { method: 'password' });
  }

  /** A new session for a user whose sign-in was checked (a password here, or Nextcloud's word). */
  async startSession(user: User, ip: string | null, how: { method: 'password' | 'nextcloud' | 'nextcloud-app' }): Promise<Session> {
    const refresh = await this.deps.refreshTokens.issue(user.id);
    await this.deps.audit.record({ action: 'auth.login', outcome: 'ok', actor: { id: user.id, email: user.email }, ip, details: { family: refresh.familyId, method: how.method } });
    const access = this.deps.accessTokens.sign({ userId: user.id, role: user.role, sessionId: refresh.familyId });
    return { user: toPublicUser(user), accessToken: access.token, expiresIn: access.expiresIn, refresh };
  }

  async refresh(token: string, ip: string | null): Promise<Session> {
    const { refreshTokens, audit, users } = this.deps;
    const result = await refreshTokens.rotate(token);
    if (result.kind === 'invalid') throw new UnauthorizedError('Session expired; sign in again', 'invalid_refresh_token');
    if (result.kind === 'reused') {
      const user = await users.findById(result.userId);
      await audit.record({
        action: 'auth.refresh_reuse',
        outcome: 'denied',
        actor: { id: result.userId, email: user?.email ?? null },
        ip,
        details: { family: result.familyId, revoked: true },
      });
      await this.deps.sessions.ended({ userId: result.userId, sessionId: result.familyId });
      throw new UnauthorizedError('This session was ended because its refresh token was used twice; sign in again', 'refresh_token_reused');
    }
    const user = await users.findById(result.userId);
    if (!user || user.disabled) {
      await refreshTokens.revokeFamily(result.next.familyId, user ? 'disabled' : 'deleted');
      await this.deps.sessions.ended({ userId: result.userId, sessionId: result.next.familyId });
      throw new UnauthorizedError('Session expired; sign in again', 'invalid_refresh_token');
    }
    if (this.deps.identityCheck && !(await this.deps.identityCheck.mayRefresh(user.id, ip))) {
      // Refused where the account signs in: every session it has here ends, and its SIP credentials with them.
      await refreshTokens.revokeAllForUser(user.id, 'identity_refused');
      await this.deps.sessions.ended({ userId: user.id });
      throw new UnauthorizedError('Nextcloud no longer lets this account sign in; sign in again', 'identity_refused');
    }
    const access = this.deps.accessTokens.sign({ userId: user.id, role: user.role, sessionId: result.next.familyId });
    return { user: toPublicUser(user), accessToken: access.token, expiresIn: access.expiresIn, refresh: result.next };
  }

  async logout(token: string, ip: string | null): Promise<void> {
    const family = await this.deps.refreshTokens.familyOf(token);
    if (!family) return;
    await this.deps.refreshTokens.revokeFamily(family.familyId, 'logout');
    await this.deps.sessions.ended({ userId: family.userId, sessionId: family.familyId });
    const user = await this.deps.users.findById(family.userId);
    await this.deps.audit.record({ action: 'auth.logout', outcome: 'ok', actor: { id: family.userId, email: user?.email ?? null }, ip });
  }

  /**
   * The user behind a bearer token, on every request: the token checked, its
   * session still alive (not signed out, not revoked), the user still there
   * and enabled.
   */
  async authenticate(accessToken: string): Promise<Authenticated> {
    const claims = this.deps.accessTokens.verify(accessToken);
    const user = await this.deps.users.findById(claims.userId);
    if (!user) throw new UnauthorizedError('Invalid access token', 'invalid_token');
    if (user.disabled) throw new UnauthorizedError('This account is disabled', 'account_disabled');
    if (!(await this.deps.sessions.isLive(claims.sessionId, claims.userId))) throw new UnauthorizedError('This session has ended; sign in again', 'session_ended');
    return { user: toPublicUser(user), sessionId: claims.sessionId, expiresAt: claims.expiresAt };
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.deps.passwords.hash('decoy password that never matches anything');
    return this.decoyHash;
  }
}

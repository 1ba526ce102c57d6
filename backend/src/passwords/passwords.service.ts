// Passwords a person manages: changing one's own (knowing the current one),
// an admin setting a new one, and a link by mail for who forgot theirs. Every
// new password passes the policy accounts are created with, and ends the
// account's other sessions with their SIP credentials.
import type { AuditService } from '../audit/audit.service.js';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError } from '../core/errors.js';
import { hasPassword } from '../users/user.entity.js';
import type { PasswordHasher } from '../crypto/password.js';
import type { Logger } from '../logger.js';
import type { ActionContext, UserService } from '../users/users.service.js';
import type { Mailer } from './mailer.js';
import { resetMail, type MailLanguage } from './reset-mail.js';
import type { ResetTokens } from './reset-tokens.js';

interface PasswordServiceDeps {
  users: UserService;
  passwords: PasswordHasher;
  audit: AuditService;
  tokens: ResetTokens;
  /** Null: no mail is configured, and only an admin can reset a password. */
  mailer: Mailer | null;
  /** The web app's address the mailed links point to. */
  publicUrl: string | null;
  log: Logger;
}

export class WrongCurrentPasswordError extends ForbiddenError {
  constructor() {
    super('The current password is wrong', 'wrong_current_password');
  }
}

export class PasswordService {
  /** Mails on their way; awaited by settle() (tests, shutdown). */
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly deps: PasswordServiceDeps) {}

  /** Whether a forgotten password can be reset by mail. */
  get resetByMail(): boolean {
    return this.deps.mailer !== null && this.deps.publicUrl !== null;
  }

  /**
   * A signed-in user's own change: the current password proves it is them;
   * the session asking stays. An account with no password yet (made by
   * signing in with Nextcloud) sets its first one with its session alone.
   */
  async change(userId: string, sessionId: string | undefined, current: string | undefined, next: string, ctx: ActionContext): Promise<void> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    if (!hasPassword(user)) {
      await this.deps.users.setPassword(userId, next, { action: 'user.password_change', keepSession: sessionId, field: 'body.newPassword' }, ctx);
      return;
    }
    if (current === undefined) throw new ValidationError('The current password is required', [{ path: 'body.currentPassword', message: 'Required: the account has a password' }]);
    if (!(await this.deps.passwords.verify(user.passwordHash, current))) {
      await this.deps.audit.record({ action: 'user.password_change', outcome: 'failed', ...ctx, target: { type: 'user', id: userId }, details: { reason: 'wrong_password' } });
      throw new WrongCurrentPasswordError();
    }
    await this.deps.users.setPassword(userId, next, { action: 'user.password_change', keepSession: sessionId, field: 'body.newPassword' }, ctx);
  }

  /** An admin sets a new password: every session of the account ends. */
  async adminReset(userId: string, password: string, ctx: ActionContext): Promise<void> {
    await this.deps.users.setPassword(userId, password, { action: 'user.password_reset', field: 'body.password' }, ctx);
  }

  /**
   * Mails a reset link when an enabled account has this address. What the
   * caller learns is the same either way; the mail goes out after the answer.
   */
  async forgot(email: string, language: MailLanguage, ip: string | null): Promise<void> {
    const { mailer, publicUrl } = this.deps;
    if (!mailer || !publicUrl) throw new ServiceUnavailableError('Passwords are not reset by mail here; ask an admin', 'password_reset_unavailable');
    const user = await this.deps.users.findByEmail(email);
    const actor = { id: user?.id ?? null, email: email.toLowerCase() };
    if (!user || user.disabled) {
      await this.deps.audit.record({ action: 'auth.password_reset_request', outcome: 'denied', actor, ip, details: { reason: user ? 'disabled' : 'unknown_email' } });
      return;
    }
    const { token } = await this.deps.tokens.issue(user.id);
    await this.deps.audit.record({ action: 'auth.password_reset_request', outcome: 'ok', actor, ip, target: { type: 'user', id: user.id } });
    const link = `${publicUrl}/reset-password?token=${token}`;
    const sent = mailer
      .send(resetMail(user, link, language))
      .catch((err: unknown) => this.deps.log.error({ err, user: user.id }, 'sending a password reset mail failed'))
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }

  /** A mailed link spent on a new password: every session of the account ends. */
  async reset(token: string, password: string, ip: string | null): Promise<void> {
    const userId = await this.deps.tokens.ownerOf(token);
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    await this.deps.users.setPassword(
      userId,
      password,
      { action: 'auth.password_reset', field: 'body.password', before: (m) => this.deps.tokens.spend(token, userId, m) },
      { actor: { id: user.id, email: user.email }, ip },
    );
  }

  /** Waits for the mails on their way. */
  async settle(): Promise<void> {
    await Promise.all([...this.sending]);
  }
}

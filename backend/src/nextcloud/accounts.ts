// Who a Nextcloud account is here, however it came in (the sign-in's
// redirect, or an assertion from SIPCall's Nextcloud app): linked by
// (issuer, subject), never by email. The first time, a user is provisioned
// (display name, email, role user, no password of its own); an email that
// already belongs to an unlinked account is refused, its owner links it
// from Settings; NEXTCLOUD_ADMIN_GROUP decides the role at every sign-in.
import type { NextcloudSignInError } from '@sipcall/contract';
import type { AuditService } from '../audit/audit.service.js';
import type { AuthService, Session } from '../auth/auth.service.js';
import { ConflictError } from '../core/errors.js';
import type { Role } from '../core/identity.js';
import type { Logger } from '../logger.js';
import type { User } from '../users/user.entity.js';
import type { UserService } from '../users/users.service.js';
import type { GrantTokens, NextcloudIdentities } from './identities.js';

/** A Nextcloud account as Nextcloud vouched for it. */
export interface NextcloudPerson {
  issuer: string;
  subject: string;
  displayName: string;
  email: string | null;
  groups: readonly string[];
}

/** How the account came in, as the audit trail and the session name it. */
export type NextcloudMethod = 'nextcloud' | 'nextcloud-app';

export type AccountOutcome = { kind: 'signed-in'; session: Session } | { kind: 'failed'; error: NextcloudSignInError };

interface NextcloudAccountsDeps {
  identities: NextcloudIdentities;
  users: UserService;
  auth: Pick<AuthService, 'startSession'>;
  audit: AuditService;
  adminGroup: string | null;
  log: Logger;
}

export class NextcloudAccounts {
  constructor(private readonly deps: NextcloudAccountsDeps) {}

  /** Signs the person in as their linked (or newly made) user; `tokens` renew the link's (null keeps them). */
  async signIn(person: NextcloudPerson, tokens: GrantTokens | null, ip: string | null, method: NextcloudMethod): Promise<AccountOutcome> {
    const fail = async (error: NextcloudSignInError, actor: { id: string | null; email: string | null } | null): Promise<AccountOutcome> => {
      await this.deps.audit.record({ action: 'auth.login', outcome: 'denied', actor, ip, details: { method, reason: error, subject: person.subject } });
      return { kind: 'failed', error };
    };
    const identity = await this.deps.identities.find(person.issuer, person.subject);
    let user: User | null = identity === null ? null : await this.deps.users.findById(identity.userId);
    if (user === null) {
      if (person.email === null) return fail('no_email', null);
      if ((await this.deps.users.findByEmail(person.email)) !== null) return fail('email_taken', { id: null, email: person.email });
      try {
        user = await this.deps.users.provision({ email: person.email, displayName: person.displayName, role: this.roleOf(person) ?? 'user' }, { ip });
      } catch (err) {
        if (err instanceof ConflictError) return fail('email_taken', { id: null, email: person.email });
        throw err;
      }
      if (!(await this.deps.identities.link(user.id, person.issuer, person.subject, tokens))) return fail('linked_elsewhere', { id: user.id, email: user.email });
    } else if (tokens !== null) {
      await this.deps.identities.link(user.id, person.issuer, person.subject, tokens);
    }
    if (user.disabled) return fail('account_disabled', { id: user.id, email: user.email });
    user = await this.applyRole(user, person, ip);
    return { kind: 'signed-in', session: await this.deps.auth.startSession(user, ip, { method }) };
  }

  /** Links a signed-in user's account to the person (from Settings); false when the person belongs to someone else. */
  async link(userId: string, person: NextcloudPerson, tokens: GrantTokens, ip: string | null): Promise<boolean> {
    const user = await this.deps.users.findById(userId);
    const actor = { id: userId, email: user?.email ?? null };
    const owner = await this.deps.identities.find(person.issuer, person.subject);
    const target = { type: 'user' as const, id: userId };
    if (user === null || (owner !== null && owner.userId !== userId) || !(await this.deps.identities.link(userId, person.issuer, person.subject, tokens))) {
      await this.deps.audit.record({ action: 'auth.nextcloud_link', outcome: 'denied', actor, ip, target, details: { reason: 'linked_elsewhere', subject: person.subject } });
      return false;
    }
    await this.deps.audit.record({ action: 'auth.nextcloud_link', outcome: 'ok', actor, ip, target, details: { subject: person.subject } });
    return true;
  }

  /** The role NEXTCLOUD_ADMIN_GROUP gives; null when SIPCall keeps its own roles. */
  private roleOf(person: NextcloudPerson): Role | null {
    if (this.deps.adminGroup === null) return null;
    return person.groups.includes(this.deps.adminGroup) ? 'admin' : 'user';
  }

  private async applyRole(user: User, person: NextcloudPerson, ip: string | null): Promise<User> {
    const role = this.roleOf(person);
    if (role === null || role === user.role) return user;
    try {
      // The group membership Nextcloud vouched for at this sign-in is what changed the role.
      await this.deps.users.update(user.id, { role }, { actor: { id: user.id, email: user.email }, ip });
    } catch (err) {
      // The last admin keeps the role, whatever the group says: someone must be able to administer.
      if (!(err instanceof ConflictError)) throw err;
      this.deps.log.warn({ userId: user.id }, 'the last admin left NEXTCLOUD_ADMIN_GROUP and stays admin');
      return user;
    }
    return (await this.deps.users.findById(user.id)) ?? user;
  }
}

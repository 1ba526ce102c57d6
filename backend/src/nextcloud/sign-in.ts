// Sign-in with Nextcloud, from the redirect to the SIPCall session. A flow is
// kept server-side (state, nonce, PKCE verifier, what it is for) for ten
// minutes under a random id that only the browser's cookie holds, and is
// spent by its first callback. Accounts are linked by (issuer, subject):
// first sign-in provisions a user, an email that already belongs to an
// unlinked account is refused (its owner links it from Settings), and
// NEXTCLOUD_ADMIN_GROUP decides the role at every sign-in.
import { randomBytes } from 'node:crypto';
import type { NextcloudLink, NextcloudSignInError } from '@sipcall/contract';
import type { AuditService } from '../audit/audit.service.js';
import type { AuthService, Session } from '../auth/auth.service.js';
import { ConflictError } from '../core/errors.js';
import type { Role } from '../core/identity.js';
import type { Logger } from '../logger.js';
import type { KeyValueStore } from '../state/state.js';
import { hasPassword, type User } from '../users/user.entity.js';
import type { UserService } from '../users/users.service.js';
import type { NextcloudIdentities } from './identities.js';
import { NextcloudSignInFailed, type FlowChecks, type NextcloudAccount, type NextcloudProvider } from './provider.js';

export const FLOW_SECONDS = 600;
const FLOW_ID = /^[A-Za-z0-9_-]{43}$/;

type Flow = FlowChecks & ({ mode: 'signin' } | { mode: 'link'; userId: string });

/** How a callback ended: a session, a link, or a reason for the page it goes back to. */
export type CallbackOutcome =
  | { kind: 'signed-in'; session: Session }
  | { kind: 'linked' }
  | { kind: 'failed'; mode: 'signin' | 'link'; error: NextcloudSignInError };

interface NextcloudSignInDeps {
  provider: NextcloudProvider;
  identities: NextcloudIdentities;
  users: UserService;
  auth: Pick<AuthService, 'startSession'>;
  audit: AuditService;
  flows: KeyValueStore;
  adminGroup: string | null;
  log: Logger;
}

export class NextcloudSignIn {
  constructor(private readonly deps: NextcloudSignInDeps) {}

  /** A new flow: its id (for the browser's cookie) and where to send the browser. */
  async start(purpose: { mode: 'signin' } | { mode: 'link'; userId: string }): Promise<{ flowId: string; authorizationUrl: URL }> {
    const checks = this.deps.provider.newChecks();
    const authorizationUrl = await this.deps.provider.authorizationUrl(checks);
    const flowId = randomBytes(32).toString('base64url');
    const flow: Flow = { ...checks, ...purpose };
    await this.deps.flows.set(flowKey(flowId), JSON.stringify(flow), FLOW_SECONDS * 1000);
    return { flowId, authorizationUrl };
  }

  async callback(flowId: string | null, callbackUrl: URL, ip: string | null): Promise<CallbackOutcome> {
    const flow = flowId !== null && FLOW_ID.test(flowId) ? await this.spend(flowId) : null;
    if (flow === null) {
      await this.audit('failed', null, ip, { reason: 'flow_lost' });
      return { kind: 'failed', mode: 'signin', error: 'flow_lost' };
    }
    let account: NextcloudAccount;
    try {
      account = await this.deps.provider.finish(callbackUrl, flow);
    } catch (err) {
      if (!(err instanceof NextcloudSignInFailed)) throw err;
      this.deps.log.warn({ reason: err.reason, detail: err.message }, 'sign-in with Nextcloud failed');
      await this.audit(err.reason === 'denied' ? 'denied' : 'failed', flow.mode === 'link' ? { id: flow.userId, email: null } : null, ip, { reason: err.reason, detail: err.message });
      return { kind: 'failed', mode: flow.mode, error: err.reason };
    }
    return flow.mode === 'link' ? this.link(flow.userId, account, ip) : this.signIn(account, ip);
  }

  async linkOf(userId: string): Promise<NextcloudLink> {
    const [identity, user] = await Promise.all([this.deps.identities.ofUser(userId), this.deps.users.findById(userId)]);
    return {
      linked: identity !== null,
      nextcloudUser: identity?.subject ?? null,
      since: identity?.createdAt.toISOString() ?? null,
      hasPassword: user !== null && hasPassword(user),
    };
  }

  /** Unlinking an account with no password of its own would lock its owner out. */
  async unlink(userId: string, ip: string | null): Promise<void> {
    const user = await this.deps.users.findById(userId);
    if (user === null) return;
    if (!hasPassword(user)) throw new ConflictError('Set a password first: without one you could not sign in after unlinking Nextcloud', 'password_required');
    if (await this.deps.identities.unlink(userId)) {
      await this.deps.audit.record({ action: 'auth.nextcloud_unlink', outcome: 'ok', actor: { id: user.id, email: user.email }, ip, target: { type: 'user', id: user.id } });
    }
  }

  private async signIn(account: NextcloudAccount, ip: string | null): Promise<CallbackOutcome> {
    const fail = async (error: NextcloudSignInError, actor: { id: string | null; email: string | null } | null): Promise<CallbackOutcome> => {
      await this.audit('denied', actor, ip, { reason: error, subject: account.subject });
      return { kind: 'failed', mode: 'signin', error };
    };
    const identity = await this.deps.identities.find(account.issuer, account.subject);
    let user: User | null = identity === null ? null : await this.deps.users.findById(identity.userId);
    if (user === null) {
      if (account.email === null) return fail('no_email', null);
      if ((await this.deps.users.findByEmail(account.email)) !== null) return fail('email_taken', { id: null, email: account.email });
      try {
        user = await this.deps.users.provision({ email: account.email, displayName: account.displayName, role: this.roleOf(account) ?? 'user' }, { ip });
      } catch (err) {
        if (err instanceof ConflictError) return fail('email_taken', { id: null, email: account.email });
        throw err;
      }
      if (!(await this.deps.identities.link(user.id, account.issuer, account.subject, { refreshToken: account.refreshToken, accessToken: account.accessToken, accessExpiresAt: account.accessExpiresAt }))) return fail('linked_elsewhere', { id: user.id, email: user.email });
    } else {
      await this.deps.identities.link(user.id, account.issuer, account.subject, { refreshToken: account.refreshToken, accessToken: account.accessToken, accessExpiresAt: account.accessExpiresAt });
    }
    if (user.disabled) return fail('account_disabled', { id: user.id, email: user.email });
    user = await this.applyRole(user, account, ip);
    const session = await this.deps.auth.startSession(user, ip, { method: 'nextcloud' });
    return { kind: 'signed-in', session };
  }

  private async link(userId: string, account: NextcloudAccount, ip: string | null): Promise<CallbackOutcome> {
    const user = await this.deps.users.findById(userId);
    const actor = { id: userId, email: user?.email ?? null };
    const owner = await this.deps.identities.find(account.issuer, account.subject);
    if (user === null || (owner !== null && owner.userId !== userId) || !(await this.deps.identities.link(userId, account.issuer, account.subject, { refreshToken: account.refreshToken, accessToken: account.accessToken, accessExpiresAt: account.accessExpiresAt }))) {
      await this.deps.audit.record({ action: 'auth.nextcloud_link', outcome: 'denied', actor, ip, target: { type: 'user', id: userId }, details: { reason: 'linked_elsewhere', subject: account.subject } });
      return { kind: 'failed', mode: 'link', error: 'linked_elsewhere' };
    }
    await this.deps.audit.record({ action: 'auth.nextcloud_link', outcome: 'ok', actor, ip, target: { type: 'user', id: userId }, details: { subject: account.subject } });
    return { kind: 'linked' };
  }

  /** The role NEXTCLOUD_ADMIN_GROUP gives; null when SIPCall keeps its own roles. */
  private roleOf(account: NextcloudAccount): Role | null {
    if (this.deps.adminGroup === null) return null;
    return account.groups.includes(this.deps.adminGroup) ? 'admin' : 'user';
  }

  private async applyRole(user: User, account: NextcloudAccount, ip: string | null): Promise<User> {
    const role = this.roleOf(account);
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

  /** The flow, once: a second callback with the same cookie finds nothing. */
  private async spend(flowId: string): Promise<Flow | null> {
    const key = flowKey(flowId);
    // Claimed first, so that of two callbacks at once (any replicas) only one goes on.
    if (!(await this.deps.flows.setIfAbsent(`${key}:spent`, '1', FLOW_SECONDS * 1000))) return null;
    const stored = await this.deps.flows.get(key);
    await this.deps.flows.delete(key);
    if (stored === null) return null;
    try {
      return JSON.parse(stored) as Flow;
    } catch {
      return null;
    }
  }

  private audit(outcome: 'failed' | 'denied', actor: { id: string | null; email: string | null } | null, ip: string | null, details: Record<string, unknown>): Promise<void> {
    return this.deps.audit.record({ action: 'auth.login', outcome, actor, ip, details: { method: 'nextcloud', ...details } }).then(() => undefined);
  }
}

const flowKey = (flowId: string) => `nextcloud-flow:${flowId}`;

// Sign-in with Nextcloud, from the redirect to the SIPCall session. A flow is
// kept server-side (state, nonce, PKCE verifier, what it is for) for ten
// minutes under a random id that only the browser's cookie holds, and is
// spent by its first callback. Who the account is here, accounts.ts decides.
import { randomBytes } from 'node:crypto';
import type { NextcloudLink, NextcloudSignInError } from '@sipcall/contract';
import type { AuditService } from '../audit/audit.service.js';
import type { Session } from '../auth/auth.service.js';
import { ConflictError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import type { KeyValueStore } from '../state/state.js';
import { hasPassword } from '../users/user.entity.js';
import type { UserService } from '../users/users.service.js';
import type { NextcloudIdentities } from './identities.js';
import type { NextcloudAccounts } from './accounts.js';
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
  accounts: NextcloudAccounts;
  users: UserService;
  audit: AuditService;
  flows: KeyValueStore;
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
    const tokens = { refreshToken: account.refreshToken, accessToken: account.accessToken, accessExpiresAt: account.accessExpiresAt };
    if (flow.mode === 'link') return (await this.deps.accounts.link(flow.userId, account, tokens, ip)) ? { kind: 'linked' } : { kind: 'failed', mode: 'link', error: 'linked_elsewhere' };
    const outcome = await this.deps.accounts.signIn(account, tokens, ip, 'nextcloud');
    return outcome.kind === 'failed' ? { ...outcome, mode: 'signin' } : outcome;
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

// Whether an account signed in with Nextcloud may still refresh its SIPCall
// session: at most every NEXTCLOUD_RECHECK_SECONDS a refresh asks Nextcloud
// with the provider's refresh token. Nextcloud refusing (the account disabled
// or deleted there, the grant revoked) ends the account's sessions; Nextcloud
// not answering does not — the question is asked again at the next period.
import type { AuditService } from '../audit/audit.service.js';
import type { Logger } from '../logger.js';
import type { NextcloudIdentities } from './identities.js';
import { NextcloudSignInFailed, type NextcloudProvider } from './provider.js';

/** What the refresh asks (auth/ provides the interface, this answers it). */
export interface IdentityCheck {
  mayRefresh(userId: string, ip: string | null): Promise<boolean>;
}

interface NextcloudRecheckDeps {
  provider: NextcloudProvider;
  identities: NextcloudIdentities;
  audit: AuditService;
  recheckSeconds: number;
  log: Logger;
}

export class NextcloudRecheck implements IdentityCheck {
  constructor(private readonly deps: NextcloudRecheckDeps) {}

  async mayRefresh(userId: string, ip: string | null): Promise<boolean> {
    const due = await this.deps.identities.claimRecheck(userId, this.deps.recheckSeconds);
    // Not linked, or asked recently (here or on another replica).
    if (due === null) return true;
    if (due.refreshToken === null) {
      // Linked without a refresh token (the provider gave none): there is nothing to ask with.
      this.deps.log.warn({ userId }, 'a Nextcloud account has no refresh token to recheck with');
      return true;
    }
    let answer;
    try {
      answer = await this.deps.provider.recheck(due.refreshToken);
    } catch (err) {
      if (!(err instanceof NextcloudSignInFailed)) throw err;
      this.deps.log.warn({ userId, detail: err.message }, 'Nextcloud could not be asked whether an account may still sign in; asking again later');
      return true;
    }
    if (answer.kind === 'refused') {
      await this.deps.audit.record({ action: 'auth.nextcloud_refused', outcome: 'denied', actor: { id: userId, email: null }, ip, target: { type: 'user', id: userId }, details: { why: answer.why } });
      return false;
    }
    await this.deps.identities.replaceToken(userId, answer.account.refreshToken);
    return true;
  }
}

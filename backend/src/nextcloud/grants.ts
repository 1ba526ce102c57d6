// What Nextcloud's grant is used for after the sign-in, both through the
// row-locked tokens (identities.ts), so a rotating refresh token is spent by
// one request at a time across replicas:
// - whether an account may still refresh its SIPCall session: at most every
//   NEXTCLOUD_RECHECK_SECONDS a refresh asks Nextcloud. Nextcloud refusing
//   (the account disabled or deleted there, the grant revoked) ends the
//   account's sessions; Nextcloud not answering does not, and the question
//   is asked again at the next period;
// - the access token that reads the user's address books over DAV (with
//   Nextcloud's OAuth2 app), renewed a minute before it runs out.
import type { AuditService } from '../audit/audit.service.js';
import type { Logger } from '../logger.js';
import type { GrantTokens, NextcloudIdentities } from './identities.js';
import { NextcloudSignInFailed, type NextcloudProvider, type Recheck } from './provider.js';

/** What the refresh asks (auth/ provides the interface, this answers it). */
export interface IdentityCheck {
  mayRefresh(userId: string, ip: string | null): Promise<boolean>;
}

interface NextcloudGrantsDeps {
  provider: NextcloudProvider;
  identities: NextcloudIdentities;
  audit: AuditService;
  recheckSeconds: number;
  log: Logger;
  now?: () => number;
}

/** An access token this close to its end is renewed first. */
const ACCESS_MARGIN_MS = 60_000;

export class NextcloudGrants implements IdentityCheck {
  private readonly now: () => number;

  constructor(private readonly deps: NextcloudGrantsDeps) {
    this.now = deps.now ?? Date.now;
  }

  async mayRefresh(userId: string, ip: string | null): Promise<boolean> {
    const due = (checkedAt: Date) => this.now() - checkedAt.getTime() >= this.deps.recheckSeconds * 1000;
    const checkedAt = await this.deps.identities.checkedAt(userId);
    // Not linked, or asked recently (here or on another replica).
    if (checkedAt === null || !due(checkedAt)) return true;
    const answer = await this.deps.identities.withTokens(userId, async (held) => {
      if (!due(held.checkedAt)) return { tokens: null, result: 'allowed' as const };
      const asked = await this.ask(userId, held);
      return { tokens: asked.tokens, result: asked.verdict };
    });
    if (answer !== 'refused') return true;
    await this.deps.audit.record({ action: 'auth.nextcloud_refused', outcome: 'denied', actor: { id: userId, email: null }, ip, target: { type: 'user', id: userId } });
    return false;
  }

  /** A live access token for the user's DAV requests; null when there is none to be had (not linked, refused, Nextcloud down). */
  async accessTokenFor(userId: string): Promise<string | null> {
    const fresh = (t: { accessToken: string | null; accessExpiresAt: Date | null }) => t.accessToken !== null && (t.accessExpiresAt === null || t.accessExpiresAt.getTime() - this.now() > ACCESS_MARGIN_MS);
    const held = await this.deps.identities.accessToken(userId);
    if (held && fresh({ accessToken: held.token, accessExpiresAt: held.expiresAt })) return held.token;
    return this.deps.identities.withTokens(userId, async (tokens) => {
      if (fresh(tokens)) return { tokens: null, result: tokens.accessToken };
      const asked = await this.ask(userId, tokens);
      return { tokens: asked.tokens, result: asked.verdict === 'allowed' ? (asked.tokens?.accessToken ?? null) : null };
    });
  }

  /** One question to Nextcloud with the held refresh token: the verdict, and the tokens to keep (null: keep what is held). */
  private async ask(userId: string, held: GrantTokens): Promise<{ verdict: 'allowed' | 'refused' | 'unknown'; tokens: GrantTokens | null }> {
    if (held.refreshToken === null) {
      // Linked without a refresh token (signed in by the Nextcloud app's assertion, or a provider that gave
      // none): there is nothing to ask with. Kept as asked, so the next period does not try again at once.
      return { verdict: 'unknown', tokens: held };
    }
    let answer: Recheck;
    try {
      answer = await this.deps.provider.refresh(held.refreshToken);
    } catch (err) {
      if (!(err instanceof NextcloudSignInFailed)) throw err;
      this.deps.log.warn({ userId, detail: err.message }, 'Nextcloud could not be asked about an account; asking again later');
      return { verdict: 'unknown', tokens: null };
    }
    if (answer.kind === 'refused') {
      this.deps.log.info({ userId, why: answer.why }, 'Nextcloud refused an account');
      return { verdict: 'refused', tokens: null };
    }
    const { refreshToken, accessToken, accessExpiresAt } = answer.account;
    return { verdict: 'allowed', tokens: { refreshToken: refreshToken ?? held.refreshToken, accessToken, accessExpiresAt } };
  }
}

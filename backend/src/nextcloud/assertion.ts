// Assertions from SIPCall's Nextcloud app: the app's token endpoint signs,
// for the user signed in to Nextcloud, a short JWT (HS256 with the secret
// both sides share) that SIPCall exchanges for its own session. Checked
// here: the signature, the issuer (NEXTCLOUD_URL), the audience (PUBLIC_URL),
// a lifetime of at most two minutes, and that its jti was never seen; then
// the same accounts as the sign-in's redirect (accounts.ts), so a person is
// one SIPCall user whichever way they came in.
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { AuditService } from '../audit/audit.service.js';
import type { Session } from '../auth/auth.service.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';
import type { KeyValueStore } from '../state/state.js';
import type { NextcloudAccounts, NextcloudPerson } from './accounts.js';

/** The longest an assertion may live (exp − iat), and the clock skew allowed between the two servers. */
export const ASSERTION_MAX_SECONDS = 120;
const SKEW_SECONDS = 5;
const JTI = /^[A-Za-z0-9_-]{16,128}$/;
const EMAIL = z.email().max(254);

interface NextcloudAssertionsDeps {
  issuer: string;
  audience: string;
  secret: string;
  accounts: Pick<NextcloudAccounts, 'signIn'>;
  /** Where the jti of every assertion taken is kept until it expires. */
  seen: KeyValueStore;
  audit: AuditService;
  now?: () => number;
}

/** Why an assertion was refused, for the audit trail (the answer says only that it was). */
type Refusal = 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired' | 'lifetime' | 'claims' | 'replayed';

export class NextcloudAssertions {
  private readonly now: () => number;

  constructor(private readonly deps: NextcloudAssertionsDeps) {
    this.now = deps.now ?? Date.now;
  }

  async exchange(assertion: string, ip: string | null): Promise<Session> {
    const checked = this.check(assertion);
    if (typeof checked === 'string') return this.refuse(checked, ip);
    const { person, jti, exp } = checked;
    // Seen once, on any replica, until it would have expired anyway.
    const ttlMs = (exp + SKEW_SECONDS) * 1000 - this.now() + 1000;
    if (!(await this.deps.seen.setIfAbsent(`nextcloud-assertion:${jti}`, '1', Math.max(ttlMs, 1000)))) return this.refuse('replayed', ip, person.subject);
    const outcome = await this.deps.accounts.signIn(person, null, ip, 'nextcloud-app');
    if (outcome.kind === 'failed') throw new ForbiddenError(`Nextcloud vouched for this account, but SIPCall will not sign it in (${outcome.error})`, outcome.error);
    return outcome.session;
  }

  private check(assertion: string): { person: NextcloudPerson; jti: string; exp: number } | Refusal {
    let claims: jwt.JwtPayload;
    try {
      const verified = jwt.verify(assertion, this.deps.secret, {
        algorithms: ['HS256'],
        issuer: this.deps.issuer,
        audience: this.deps.audience,
        clockTolerance: SKEW_SECONDS,
        clockTimestamp: Math.floor(this.now() / 1000),
      });
      if (typeof verified === 'string') return 'malformed';
      claims = verified;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) return 'expired';
      if (err instanceof jwt.JsonWebTokenError) {
        if (/issuer/.test(err.message)) return 'issuer';
        if (/audience/.test(err.message)) return 'audience';
        if (/signature/.test(err.message)) return 'signature';
      }
      return 'malformed';
    }
    const { sub, jti, exp, iat } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number') return 'lifetime';
    if (exp - iat > ASSERTION_MAX_SECONDS || iat > this.now() / 1000 + SKEW_SECONDS) return 'lifetime';
    if (typeof sub !== 'string' || sub === '' || sub.length > 255 || typeof jti !== 'string' || !JTI.test(jti)) return 'claims';
    const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null);
    const groups = Array.isArray(claims['groups']) ? (claims['groups'] as unknown[]).filter((g): g is string => typeof g === 'string').slice(0, 500) : [];
    return {
      person: { issuer: this.deps.issuer, subject: sub, displayName: text(claims['name'], 200) ?? sub, email: EMAIL.safeParse(claims['email']).success ? (claims['email'] as string) : null, groups },
      jti,
      exp,
    };
  }

  private async refuse(reason: Refusal, ip: string | null, subject?: string): Promise<never> {
    await this.deps.audit.record({ action: 'auth.login', outcome: 'denied', actor: null, ip, details: { method: 'nextcloud-app', reason, ...(subject ? { subject } : {}) } });
    throw new UnauthorizedError('The assertion from Nextcloud was not accepted', 'invalid_assertion');
  }
}

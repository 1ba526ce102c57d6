// "Who is this SIP user?" — the switch's directory question, answered for
// browsers signing in over SIP. The SIP user name is the user id; an unknown,
// disabled or malformed user is simply not in the directory (the switch then
// refuses the REGISTER or INVITE itself).
import type { User } from '../users/user.entity.js';
import { userIdOfSipUser, type DigestAttempt } from '../sip/sip-credentials.js';

/** A directory lookup as the switch's door decoded it. */
export interface DirectoryRequest {
  /** The SIP user name asked for; absent for domain-only lookups (ACL lists at the switch's start-up). */
  sipUser: string | undefined;
  domain: string | undefined;
  /** Authenticating a request (the digest travels with it) or merely looking the user up (e.g. to ring them). */
  purpose: 'authenticate' | 'lookup';
  digest: DigestAttempt | null;
}

/** A user the switch may register and ring, with the A1 hash to check this attempt against when authenticating. */
export interface DirectoryEntry {
  user: Pick<User, 'id' | 'displayName' | 'extension'>;
  a1: string | null;
}

export type DirectoryAnswer =
  | { found: true; entry: DirectoryEntry }
  /** `reason` is null for lookups that are not ours to answer (nothing was refused). */
  | { found: false; reason: 'unknown_user' | 'no_credentials' | null };

export interface DirectoryDeps {
  sipDomain: string;
  users: { findById(id: string): Promise<User | null> };
  sip: { a1For(userId: string, attempt: DigestAttempt | null): Promise<string | null> };
}

export class Directory {
  constructor(private readonly deps: DirectoryDeps) {}

  async lookup(req: DirectoryRequest): Promise<DirectoryAnswer> {
    if (req.sipUser === undefined) return { found: false, reason: null };
    const userId = userIdOfSipUser(req.sipUser);
    if (!userId || req.domain !== this.deps.sipDomain) return { found: false, reason: 'unknown_user' };
    const user = await this.deps.users.findById(userId);
    if (!user || user.disabled) return { found: false, reason: 'unknown_user' };
    if (req.purpose === 'lookup') return { found: true, entry: { user, a1: null } };
    const a1 = await this.deps.sip.a1For(user.id, req.digest);
    return a1 ? { found: true, entry: { user, a1 } } : { found: false, reason: 'no_credentials' };
  }
}

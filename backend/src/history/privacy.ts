// The data protection rights on call data: a full export of what is held
// about a user, opened, each part asked of the domain that holds it; and
// erasure by crypto-shredding: the user's data key goes, their records stay as
// anonymous figures (times, durations, causes), and nothing links them to the
// user any more.
import type { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../core/errors.js';
import { ownerOfUser, type KeyRing } from '../crypto/keys.js';
import { toPublicUser, type User } from '../users/user.entity.js';
import type { ActionContext } from '../users/users.service.js';
import type { CallHistory } from './history.js';

export interface PrivacyDeps {
  users: { findById(id: string): Promise<User | null> };
  history: Pick<CallHistory, 'allOf'>;
  /** The user's address book, opened. */
  contacts: { allOf(userId: string): Promise<unknown[]> };
  /** The user's Nextcloud address books as cached here, opened; erasure drops the connection and the cache. */
  nextcloudContacts: { allOf(userId: string): Promise<unknown>; forget(userId: string): Promise<void> };
  /** Which Nextcloud account signs in as the user; erasure removes the link. */
  nextcloudIdentity: { ofUser(userId: string): Promise<{ issuer: string; subject: string; createdAt: Date } | null>; unlink(userId: string): Promise<unknown> };
  dids: { ofUser(userId: string): Promise<Array<{ number: string; label: string; createdAt: Date }>> };
  sip: { sessionsOf(userId: string): Promise<Array<{ sessionId: string; createdAt: Date; expiresAt: Date }>> };
  audit: Pick<AuditService, 'about' | 'record'>;
  keys: Pick<KeyRing, 'erase'>;
  /** The write side of call records, which unlinks them from the user. */
  records: { unlinkUser(userId: string): Promise<number> };
  /** Calls' charges: kept for the books, with nobody's name on them. */
  charges: { unlinkUser(userId: string): Promise<number> };
}

export class PrivacyService {
  constructor(private readonly deps: PrivacyDeps) {}

  async export(userId: string, ctx: ActionContext): Promise<Record<string, unknown>> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    const [calls, contacts, nextcloudContacts, nextcloudAccount, dids, sipSessions, audit] = await Promise.all([
      this.deps.history.allOf(userId),
      this.deps.contacts.allOf(userId),
      this.deps.nextcloudContacts.allOf(userId),
      this.deps.nextcloudIdentity.ofUser(userId),
      this.deps.dids.ofUser(userId),
      this.deps.sip.sessionsOf(userId),
      this.deps.audit.about(userId),
    ]);
    await this.deps.audit.record({ action: 'user.export', outcome: 'ok', ...ctx, target: { type: 'user', id: userId } });
    return {
      exportedAt: new Date().toISOString(),
      user: toPublicUser(user),
      calls,
      contacts,
      nextcloudContacts,
      nextcloudAccount: nextcloudAccount && { issuer: nextcloudAccount.issuer, subject: nextcloudAccount.subject, linked_at: nextcloudAccount.createdAt },
      dids: dids.map((d) => ({ number: d.number, label: d.label, created_at: d.createdAt })),
      sipSessions: sipSessions.map((s) => ({ session_id: s.sessionId, created_at: s.createdAt, expires_at: s.expiresAt })),
      audit,
    };
  }

  async erase(userId: string, ctx: ActionContext): Promise<{ records: number }> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    // Then the key: from here on, every copy of their sealed fields, backups included, is unreadable.
    // Their Nextcloud connection first, so no sync under way seals anything with a key made after the erasure.
    await this.deps.nextcloudContacts.forget(userId);
    await this.deps.nextcloudIdentity.unlink(userId);
    await this.deps.keys.erase(ownerOfUser(userId));
    const records = await this.deps.records.unlinkUser(userId);
    await this.deps.charges.unlinkUser(userId);
    await this.deps.audit.record({ action: 'user.erase', outcome: 'ok', ...ctx, target: { type: 'user', id: userId }, details: { records } });
    return { records };
  }
}

// The data protection rights on call data: a full export of what is held
// about a user, opened; and erasure by crypto-shredding: the user's data key
// goes, their records stay as anonymous figures (times, durations, causes),
// and nothing links them to the user any more.
import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service.js';
import { ownerOfUser, type KeyRing } from '../crypto/keys.js';
import { NotFoundError } from '../core/errors.js';
import { toPublicUser } from '../users/user.entity.js';
import type { ActionContext, UserService } from '../users/users.service.js';
import type { CallHistory } from './history.js';

export class PrivacyService {
  constructor(
    private readonly deps: { dataSource: DataSource; keys: KeyRing; history: CallHistory; users: UserService; audit: AuditService },
  ) {}

  async export(userId: string, ctx: ActionContext): Promise<Record<string, unknown>> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    const q = <T>(sql: string) => this.deps.dataSource.query<T[]>(sql, [userId]);
    const [calls, dids, sipSessions, audit] = await Promise.all([
      this.deps.history.allOf(userId),
      q<{ number: string; label: string; created_at: Date }>(`SELECT number, label, created_at FROM dids WHERE user_id = $1 ORDER BY number`),
      q<{ session_id: string; created_at: Date; expires_at: Date }>(`SELECT session_id, created_at, expires_at FROM sip_credentials WHERE user_id = $1 ORDER BY created_at`),
      q<Record<string, unknown>>(`SELECT at, action, outcome, actor_id, actor_email, target_type, target_id, ip, details FROM audit_log WHERE actor_id = $1 OR (target_type = 'user' AND target_id = $1::text) ORDER BY id`),
    ]);
    await this.deps.audit.record({ action: 'user.export', outcome: 'ok', ...ctx, target: { type: 'user', id: userId } });
    return { exportedAt: new Date().toISOString(), user: toPublicUser(user), calls, dids, sipSessions, audit };
  }

  async erase(userId: string, ctx: ActionContext): Promise<{ records: number }> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    // The key first: from here on, every copy of their sealed fields, backups included, is unreadable.
    await this.deps.keys.erase(ownerOfUser(userId));
    const r = await this.deps.dataSource.query<[unknown[], number]>(`UPDATE cdrs SET user_id = NULL, destination_idx = NULL, caller_idx = NULL WHERE user_id = $1`, [userId]);
    await this.deps.audit.record({ action: 'user.erase', outcome: 'ok', ...ctx, target: { type: 'user', id: userId }, details: { records: r[1] } });
    return { records: r[1] };
  }
}

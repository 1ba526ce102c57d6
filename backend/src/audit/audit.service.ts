// The audit trail: who did what to whom, from where, and how it ended.
// Entries are written in the same transaction as the change they describe.
import type { AuditAction, AuditTarget, AuditTargetType } from '@sipcall/contract';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntryEntity, type AuditEntry, type AuditOutcome } from './audit.entity.js';

export interface AuditActor {
  id: string | null;
  email: string | null;
}

export interface AuditRecord {
  action: AuditAction;
  outcome: AuditOutcome;
  actor?: AuditActor | null;
  target?: { type: AuditTargetType; id: string } | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
  action?: string;
  actorId?: string;
  targetType?: AuditTargetType;
  targetId?: string;
  /** Entries at or after this time, and before `to`. */
  from?: Date;
  to?: Date;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const row: Omit<AuditEntry, 'id' | 'at'> = {
      action: entry.action,
      outcome: entry.outcome,
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? null,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: entry.ip ?? null,
      details: entry.details ?? {},
    };
    // jsonb columns defeat TypeORM's deep-partial typing; the row is fully typed above.
    await manager.insert(AuditEntryEntity, row as never);
  }

  /** Every entry a user made or that is about them, oldest first (for their data export). */
  async about(userId: string): Promise<Array<Record<string, unknown>>> {
    return this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT at, action, outcome, actor_id, actor_email, target_type, target_id, ip, details FROM audit_log WHERE actor_id = $1 OR (target_type = 'user' AND target_id = $1::text) ORDER BY id`,
      [userId],
    );
  }

  /** The things the trail has entries about (of one kind, or every kind), the most recently touched first. */
  async targets(type: AuditTargetType | undefined, limit: number): Promise<AuditTarget[]> {
    const rows = await this.dataSource.query<Array<{ target_type: AuditTargetType; target_id: string }>>(
      `SELECT target_type, target_id FROM audit_log WHERE target_type IS NOT NULL AND target_id IS NOT NULL AND ($1::text IS NULL OR target_type = $1)
       GROUP BY target_type, target_id ORDER BY max(id) DESC LIMIT $2`,
      [type ?? null, limit],
    );
    return rows.map((r) => ({ type: r.target_type, id: r.target_id }));
  }

  /** Newest first, keyset-paginated on the identity column so pages never shift. */
  async list(query: AuditQuery): Promise<AuditPage> {
    const qb = this.dataSource.manager
      .createQueryBuilder(AuditEntryEntity, 'a')
      .orderBy('a.id', 'DESC')
      .take(query.limit + 1);
    if (query.cursor !== undefined) qb.andWhere('a.id < :cursor', { cursor: query.cursor });
    if (query.action !== undefined) qb.andWhere('a.action = :action', { action: query.action });
    if (query.actorId !== undefined) qb.andWhere('a.actorId = :actorId', { actorId: query.actorId });
    if (query.targetType !== undefined) qb.andWhere('a.targetType = :targetType', { targetType: query.targetType });
    if (query.targetId !== undefined) qb.andWhere('a.targetId = :targetId', { targetId: query.targetId });
    if (query.from !== undefined) qb.andWhere('a.at >= :from', { from: query.from });
    if (query.to !== undefined) qb.andWhere('a.at < :to', { to: query.to });
    const rows = await qb.getMany();
    const more = rows.length > query.limit;
    const items = more ? rows.slice(0, query.limit) : rows;
    return { items, nextCursor: more ? items[items.length - 1]!.id : null };
  }
}

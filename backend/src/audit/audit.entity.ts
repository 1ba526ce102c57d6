import type { Assert, AuditEntry as AuditEntryOnTheWire, AuditOutcome as AuditOutcomeOnTheWire, NamesEvery } from '@sipcall/contract';
import { EntitySchema } from 'typeorm';

export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied'] as const satisfies readonly AuditOutcomeOnTheWire[];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** An entry as stored: the contract's, with its time as a date (the id is a bigint identity, kept as text so it never loses precision). */
export type AuditEntry = Omit<AuditEntryOnTheWire, 'at'> & { at: Date };

type _Checked = Assert<NamesEvery<AuditOutcomeOnTheWire, typeof AUDIT_OUTCOMES>>;

export const AuditEntryEntity = new EntitySchema<AuditEntry>({
  name: 'AuditEntry',
  tableName: 'audit_log',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    at: { type: 'timestamptz', createDate: true },
    actorId: { name: 'actor_id', type: 'uuid', nullable: true },
    actorEmail: { name: 'actor_email', type: 'text', nullable: true },
    action: { type: 'text' },
    outcome: { type: 'text' },
    targetType: { name: 'target_type', type: 'text', nullable: true },
    targetId: { name: 'target_id', type: 'text', nullable: true },
    ip: { type: 'text', nullable: true },
    details: { type: 'jsonb', default: {} },
  },
});

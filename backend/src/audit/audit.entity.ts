import type { Assert, AuditAction, AuditEntry as AuditEntryOnTheWire, AuditOutcome as AuditOutcomeOnTheWire, JsonOf, NamesEvery, Same } from '@sipcall/contract';
import { EntitySchema } from 'typeorm';

export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied'] as const satisfies readonly AuditOutcomeOnTheWire[];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditEntry {
  /** bigint identity; a string so it never loses precision. */
  id: string;
  at: Date;
  /** Null for anonymous actions (a failed login for an unknown email) and the CLI. */
  actorId: string | null;
  /** Kept beside the id so the trail still reads after the actor is deleted. */
  actorEmail: string | null;
  /** One of the contract's list, which the admin's filter offers. */
  action: AuditAction;
  outcome: AuditOutcome;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

type _Checked = [Assert<Same<JsonOf<AuditEntry>, AuditEntryOnTheWire>>, Assert<NamesEvery<AuditOutcomeOnTheWire, typeof AUDIT_OUTCOMES>>];

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

import { apiRequest } from './http';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export const listAudit = (token: string, query: { action?: string; cursor?: string; limit?: number }) =>
  apiRequest<{ items: AuditEntry[]; nextCursor: string | null }>('/api/audit', { token, query });

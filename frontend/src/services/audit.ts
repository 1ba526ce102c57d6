import type { AuditPage, AuditQuery, AuditTarget, AuditTargetType } from '@sipcall/contract';
import { apiRequest } from './http';

export const listAudit = (query: AuditQuery) => apiRequest<AuditPage>('/api/audit', { query: { ...query } });

export const listAuditTargets = (type?: AuditTargetType) => apiRequest<{ targets: AuditTarget[] }>('/api/audit/targets', { query: { type } }).then((r) => r.targets);

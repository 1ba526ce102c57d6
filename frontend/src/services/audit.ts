import type { AuditPage, AuditQuery } from '@sipcall/contract';
import { apiRequest } from './http';

export const listAudit = (query: AuditQuery) => apiRequest<AuditPage>('/api/audit', { query: { ...query } });

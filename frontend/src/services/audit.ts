import type { AuditPage, AuditQuery } from '@sipcall/contract';
import { apiRequest } from './http';

export const listAudit = (token: string, query: AuditQuery) => apiRequest<AuditPage>('/api/audit', { token, query: { ...query } });

import { Router } from 'express';
import { z } from 'zod';
import { isRowId, parseInput, queryDate } from '../http/validate.js';
import type { AuditService } from './audit.service.js';
import type { Operations } from '../http/openapi.js';

const listAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().refine(isRowId, 'must be a cursor from a previous page').optional(),
  action: z.string().regex(/^[a-z_.]{1,64}$/).optional(),
  actorId: z.uuid().optional(),
  targetId: z.string().min(1).max(64).optional(),
  from: queryDate.optional(),
  to: queryDate.optional(),
});

export const auditApi: Operations = {
  'GET /': { summary: 'The audit trail, newest first, page by page', query: listAuditQuery, responses: { 200: '{ items, nextCursor }' } },
};

export function auditRouter(deps: { audit: AuditService }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(await deps.audit.list(parseInput(listAuditQuery, req.query, 'query')));
  });
  return r;
}

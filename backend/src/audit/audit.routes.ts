import { Router } from 'express';
import type { AuditTargetType } from '@sipcall/contract';
import { z } from 'zod';
import { isRowId, parseInput, queryDate } from '../http/validate.js';
import type { AuditService } from './audit.service.js';
import type { Operations } from '../http/openapi.js';

/** Every kind of target the trail records: the contract's list, so a new kind fails to compile until it is here. */
const TARGET_TYPES = Object.keys({ user: true, did: true, call: true, rate_deck: true } satisfies Record<AuditTargetType, true>) as [AuditTargetType, ...AuditTargetType[]];
const targetType = z.enum(TARGET_TYPES);

const listAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().refine(isRowId, 'must be a cursor from a previous page').optional(),
  action: z.string().regex(/^[a-z_.]{1,64}$/).optional(),
  actorId: z.uuid().optional(),
  targetType: targetType.optional(),
  targetId: z.string().min(1).max(64).optional(),
  from: queryDate.optional(),
  to: queryDate.optional(),
});

const targetsQuery = z.strictObject({
  type: targetType.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const auditApi: Operations = {
  'GET /': { summary: 'The audit trail, newest first, page by page', query: listAuditQuery, responses: { 200: '{ items, nextCursor }' } },
  'GET /targets': { summary: 'What the trail has entries about (users, numbers, calls), most recent first', query: targetsQuery, responses: { 200: '{ targets }' } },
};

export function auditRouter(deps: { audit: AuditService }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(await deps.audit.list(parseInput(listAuditQuery, req.query, 'query')));
  });
  r.get('/targets', async (req, res) => {
    const q = parseInput(targetsQuery, req.query, 'query');
    res.json({ targets: await deps.audit.targets(q.type, q.limit) });
  });
  return r;
}

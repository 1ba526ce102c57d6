import { Router, type Request } from 'express';
import { z } from 'zod';
import { clientIp, currentUser } from '../http/auth-guard.js';
import { parseInput, queryDate } from '../http/validate.js';
import type { CallAnalytics } from './analytics.js';
import type { CallHistory } from './history.js';
import type { PrivacyService } from './privacy.js';
import type { Operations } from '../http/openapi.js';


const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  from: queryDate.optional(),
  to: queryDate.optional(),
  direction: z.enum(['outbound', 'inbound', 'internal']).optional(),
  status: z.enum(['answered', 'unanswered']).optional(),
  number: z.string().trim().min(2).max(40).optional(),
  userId: z.uuid().optional(),
});
const userParams = z.strictObject({ id: z.uuid() });
const emptyBody = z.union([z.undefined(), z.strictObject({})]);
const ctxOf = (req: Request) => ({ actor: { id: currentUser(req).id, email: currentUser(req).email }, ip: clientIp(req) });

export const historyApi: Operations = {
  'GET /': { summary: 'Call records, newest first: one’s own, or for an admin anyone’s (?userId=)', query: historyQuery, responses: { 200: '{ items, nextCursor }' } },
};
export const privacyMeApi: Operations = {
  'GET /export': { summary: 'Everything held about oneself, opened', responses: { 200: 'The export' } },
  'POST /erase': { summary: 'Erase one’s call data (crypto-shredding)', body: emptyBody, responses: { 200: '{ records }' } },
};
export const privacyAdminApi: Operations = {
  'GET /:id/export': { summary: 'Everything held about a user, opened', params: userParams, responses: { 200: 'The export', 404: 'No such user' } },
  'POST /:id/erase': { summary: 'Erase a user’s call data (crypto-shredding)', params: userParams, body: emptyBody, responses: { 200: '{ records }', 404: 'No such user' } },
};

/** Call history: a user's own calls; admins see everyone's (or one user's with ?userId=). */
export function historyRouter(deps: { history: CallHistory }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseInput(historyQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.history.list(currentUser(req), { ...q, userId: q.userId ?? null }));
  });
  return r;
}

/** Export and erasure: a user for themselves (/api/me/…), an admin for anyone (/api/users/:id/…). */
export function privacyRouters(deps: { privacy: PrivacyService }): { me: Router; admin: Router } {
  const me = Router();
  me.get('/export', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.privacy.export(currentUser(req).id, ctxOf(req)));
  });
  me.post('/erase', async (req, res) => {
    parseInput(emptyBody, req.body, 'body');
    res.json(await deps.privacy.erase(currentUser(req).id, ctxOf(req)));
  });

  const admin = Router();
  admin.get('/:id/export', async (req, res) => {
    const { id } = parseInput(userParams, req.params, 'params');
    res.set('Cache-Control', 'no-store').json(await deps.privacy.export(id, ctxOf(req)));
  });
  admin.post('/:id/erase', async (req, res) => {
    const { id } = parseInput(userParams, req.params, 'params');
    parseInput(emptyBody, req.body, 'body');
    res.json(await deps.privacy.erase(id, ctxOf(req)));
  });
  return { me, admin };
}

const analyticsQuery = z
  .strictObject({
    from: queryDate.optional(),
    to: queryDate.optional(),
    granularity: z.enum(['hour', 'day']).default('hour'),
  })
  .transform((q) => {
    const to = q.to ?? new Date();
    return { to, from: q.from ?? new Date(to.getTime() - 7 * 86_400_000), granularity: q.granularity };
  })
  .refine((q) => q.from < q.to && q.to.getTime() - q.from.getTime() <= 366 * 86_400_000, 'from must be before to, at most a year apart');

export const analyticsApi: Operations = {
  'GET /': { summary: 'Calls, minutes, answer rates, causes and peaks over a time range (the last 7 days unless told)', query: analyticsQuery },
};

/** Admin analytics over a time range (default: the last 7 days). */
export function analyticsRouter(deps: { analytics: CallAnalytics }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(await deps.analytics.report(parseInput(analyticsQuery, req.query, 'query')));
  });
  return r;
}

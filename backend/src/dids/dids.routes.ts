import { Router } from 'express';
import { z } from 'zod';
import { clientIp, currentUser } from '../http/auth-guard.js';
import { parseInput } from '../http/validate.js';
import type { DidService } from './dids.service.js';
import type { Operations } from '../http/openapi.js';

const assignBody = z.strictObject({
  number: z.string().min(3).max(32),
  userId: z.uuid(),
  label: z.string().trim().max(200).default(''),
});
const numberParams = z.strictObject({ number: z.string().min(3).max(32) });

export const didsApi: Operations = {
  'GET /': { summary: 'Inbound numbers and whom they ring', responses: { 200: '{ dids }' } },
  'POST /': { summary: 'Give a user an inbound number', body: assignBody, responses: { 201: '{ did }', 404: 'No such user', 409: 'The number is assigned already' } },
  'DELETE /:number': { summary: 'Take an inbound number back', params: numberParams, responses: { 204: 'Removed', 404: 'No such number' } },
};

/** Admin management of inbound numbers. */
export function didsRouter(deps: { dids: DidService }): Router {
  const r = Router();
  const ctx = (req: Parameters<typeof currentUser>[0]) => ({ actor: { id: currentUser(req).id, email: currentUser(req).email }, ip: clientIp(req) });

  r.get('/', async (_req, res) => {
    res.json({ dids: await deps.dids.list() });
  });

  r.post('/', async (req, res) => {
    const input = parseInput(assignBody, req.body, 'body');
    res.status(201).json({ did: await deps.dids.assign(input, ctx(req)) });
  });

  r.delete('/:number', async (req, res) => {
    const { number } = parseInput(numberParams, req.params, 'params');
    await deps.dids.remove(number, ctx(req));
    res.status(204).end();
  });

  return r;
}

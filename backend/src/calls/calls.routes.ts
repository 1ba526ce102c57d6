import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { clientIp, currentUser } from '../http/auth-guard.js';
import { parseInput } from '../http/validate.js';
import type { Actor, CallService } from './calls.service.js';
import { callIdParams, clickToCallBody, dtmfBody, holdBody, transferBody } from './calls.schema.js';
import type { Operations } from '../http/openapi.js';

/** No body, or an empty object. */
const noBody = z.union([z.undefined(), z.strictObject({})]);

const actorOf = (req: Request): Actor => ({ user: currentUser(req), ip: clientIp(req) });

export const callsApi: Operations = {
  'GET /': { summary: 'Live calls: one’s own, or all for an admin', responses: { 200: '{ calls }' } },
  'POST /': {
    summary: 'Click-to-call: ring one’s own devices, then the destination',
    body: clickToCallBody,
    responses: { 201: 'Answered at once', 202: 'Ringing; the live socket tells the rest', 409: 'Refused at once (not registered, busy …)', 503: 'No switch, or draining' },
  },
  'GET /:id': { summary: 'One live call', params: callIdParams, responses: { 200: '{ call }', 404: 'No such call (or not one’s own)' } },
  'POST /:id/hangup': { summary: 'Hang up', params: callIdParams, body: noBody, responses: { 204: 'Hung up', 404: 'No such call' } },
  'POST /:id/hold': { summary: 'Hold or resume', params: callIdParams, body: holdBody, responses: { 204: 'Done', 404: 'No such call', 409: 'Not answered' } },
  'POST /:id/transfer': { summary: 'Transfer the far end', params: callIdParams, body: transferBody, responses: { 204: 'Transferred', 404: 'No such call', 409: 'Not answered' } },
  'POST /:id/dtmf': { summary: 'Send DTMF digits', params: callIdParams, body: dtmfBody, responses: { 204: 'Sent', 404: 'No such call', 409: 'Not answered' } },
};

/** Live calls: a user sees and controls their own, an admin any. */
export function callsRouter(deps: { calls: CallService; refuseNewCalls: RequestHandler }): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    res.json({ calls: await deps.calls.list(actorOf(req)) });
  });

  r.post('/', deps.refuseNewCalls, async (req, res) => {
    const { destination } = parseInput(clickToCallBody, req.body, 'body');
    const result = await deps.calls.clickToCall(actorOf(req), destination);
    res.status(result.pending ? 202 : 201).json(result);
  });

  r.get('/:id', async (req, res) => {
    const { id } = parseInput(callIdParams, req.params, 'params');
    res.json({ call: await deps.calls.get(actorOf(req), id) });
  });

  r.post('/:id/hangup', async (req, res) => {
    const { id } = parseInput(callIdParams, req.params, 'params');
    parseInput(noBody, req.body, 'body');
    await deps.calls.hangup(actorOf(req), id);
    res.status(204).end();
  });

  r.post('/:id/hold', async (req, res) => {
    const { id } = parseInput(callIdParams, req.params, 'params');
    const { on } = parseInput(holdBody, req.body, 'body');
    await deps.calls.hold(actorOf(req), id, on);
    res.status(204).end();
  });

  r.post('/:id/transfer', async (req, res) => {
    const { id } = parseInput(callIdParams, req.params, 'params');
    const { destination } = parseInput(transferBody, req.body, 'body');
    await deps.calls.transfer(actorOf(req), id, destination);
    res.status(204).end();
  });

  r.post('/:id/dtmf', async (req, res) => {
    const { id } = parseInput(callIdParams, req.params, 'params');
    const { digits } = parseInput(dtmfBody, req.body, 'body');
    await deps.calls.dtmf(actorOf(req), id, digits);
    res.status(204).end();
  });

  return r;
}

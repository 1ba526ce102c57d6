import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../http/auth-guard.js';
import { UnauthorizedError } from '../core/errors.js';
import { parseInput } from '../http/validate.js';
import type { SipCredentialService } from './sip-credentials.js';
import type { Operations } from '../http/openapi.js';
import type { SipRegistrations } from './registrations.js';

const emptyBody = z.union([z.undefined(), z.strictObject({})]);

export const sipApi: Operations = {
  'POST /credentials': { summary: 'SIP credentials for this session (the previous ones stop working), with STUN/TURN servers', body: emptyBody },
  'DELETE /credentials': { summary: 'Drop this session’s SIP credentials', responses: { 204: 'Dropped' } },
};

/** The browser's SIP account: fresh credentials for this session, or none. */
export function sipRouter(deps: { sip: SipCredentialService }): Router {
  const r = Router();

  r.post('/credentials', async (req, res) => {
    parseInput(emptyBody, req.body, 'body');
    if (!req.sessionId) throw new UnauthorizedError('This token belongs to no session; sign in again', 'invalid_token');
    res.set('Cache-Control', 'no-store').json(await deps.sip.issue(currentUser(req).id, req.sessionId));
  });

  r.delete('/credentials', async (req, res) => {
    if (!req.sessionId) throw new UnauthorizedError('This token belongs to no session; sign in again', 'invalid_token');
    await deps.sip.revoke(currentUser(req).id, req.sessionId);
    res.status(204).end();
  });

  return r;
}

export const registrationsApi: Operations = {
  'GET /': { summary: 'Who has a phone registered right now, and on how many devices (asked of every switch that is up)', responses: { 200: '{ devices, switches }' } },
};

/** Registered devices per user, for admins. */
export function registrationsRouter(deps: { registrations: SipRegistrations }): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.registrations.devicesByUser());
  });
  return r;
}

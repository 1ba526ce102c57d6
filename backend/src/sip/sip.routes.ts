import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../http/auth-guard.js';
import { UnauthorizedError } from '../core/errors.js';
import { parseInput } from '../http/validate.js';
import type { SipCredentialService } from './sip-credentials.js';

const emptyBody = z.union([z.undefined(), z.strictObject({})]);

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

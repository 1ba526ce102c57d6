import { Router } from 'express';
import { currentUser } from '../http/auth-guard.js';
import type { Operations } from '../http/openapi.js';
import type { PhoneSystemService } from './phone-system.js';

export const phoneSystemApi: Operations = {
  'GET /': { summary: 'Whether a switch is configured and reachable, before the browser registers; admins also get each switch’s link, last error and next retry' },
};

/** GET /api/phone-system: signed in; the answer changes as the switches' links do, so it is never cached. */
export function phoneSystemRouter(deps: { phoneSystem: PhoneSystemService }): Router {
  const r = Router();
  r.get('/', (req, res) => {
    res.set('Cache-Control', 'no-store').json(deps.phoneSystem.describe(currentUser(req).role === 'admin'));
  });
  return r;
}

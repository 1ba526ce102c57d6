// What a number the user is typing would become: the dialpad asks as the user
// types, and shows the international form, the country, and whether policy
// lets the call through — before anything is dialled.
import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../http/auth-guard.js';
import { parseInput } from '../http/validate.js';
import type { Dialplan } from './dialplan.js';
import type { Operations } from '../http/openapi.js';

const previewQuery = z.strictObject({
  number: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[0-9+\s().\-/]+$/, 'digits, a leading +, and spaces, dots, dashes, slashes or brackets only'),
});

export const destinationsApi: Operations = {
  'GET /': { summary: 'Where a number being typed would go, and whether policy lets it (nothing is counted or reserved)', query: previewQuery },
};

export function destinationsRouter(deps: { dialplan: Dialplan }): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const { number } = parseInput(previewQuery, req.query, 'query');
    const user = currentUser(req);
    res.set('Cache-Control', 'no-store').json(await deps.dialplan.preview({ id: user.id, disabled: user.disabled, defaultCountry: user.defaultCountry }, number));
  });

  return r;
}

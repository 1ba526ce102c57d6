// Rate decks over HTTP, for admins: the decks and their versions, a CSV
// imported as a new version (whole or not at all), and a version exported in
// the same form.
import express, { Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import { clientIp, currentUser } from '../http/auth-guard.js';
import type { Operations } from '../http/openapi.js';
import { calendarDay, parseInput } from '../http/validate.js';
import { DECK_NAME, type RateService } from './rates.js';

const deckParams = z.strictObject({ name: z.string().regex(DECK_NAME, 'letters, digits, _ . - (up to 64), starting with a letter or digit') });
const importQuery = z.strictObject({ effective: calendarDay.optional(), replace: z.enum(['true', 'false']).optional() });
const exportQuery = z.strictObject({ on: calendarDay.optional() });
/** A deck of 200 000 rows fits. */
const MAX_DECK_BYTES = 32 * 1024 * 1024;

export const ratesApi: Operations = {
  'GET /': { summary: 'The rate decks (sell, and a carrier deck per gateway) and their versions', responses: { 200: 'RateDecks' } },
  'POST /:name': {
    summary: 'Import a deck (text/csv: prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency) as a version taking effect on a day',
    params: deckParams,
    query: importQuery,
    responses: { 201: '{ version, orphaned }', 400: 'deck_refused: every bad line by number; nothing imported', 409: 'deck_version_exists: a version on that day (replace=true replaces it)', 415: 'Not text/csv' },
  },
  'GET /:name/csv': { summary: 'A deck as CSV: the version in effect today, or on a day', params: deckParams, query: exportQuery, responses: { 200: 'text/csv', 404: 'No such deck or version' } },
};

export function ratesRouter(deps: { rates: RateService }): Router {
  const r = Router();
  const ctx = (req: Parameters<typeof currentUser>[0]) => ({ actor: { id: currentUser(req).id, email: currentUser(req).email }, ip: clientIp(req) });

  r.get('/', async (_req, res) => {
    res.json(await deps.rates.list());
  });

  r.post('/:name', express.text({ type: ['text/csv', 'text/plain'], limit: MAX_DECK_BYTES }), async (req, res) => {
    const { name } = parseInput(deckParams, req.params, 'params');
    const query = parseInput(importQuery, req.query, 'query');
    if (typeof req.body !== 'string') {
      res.status(415).json({ error: { code: 'unsupported_media_type', message: 'Send the deck as text/csv' } });
      return;
    }
    if (req.body.includes('\0')) throw new ValidationError('The deck holds a NUL character', [{ path: 'body', message: 'must not contain a NUL character' }]);
    const result = await deps.rates.import({ name, csv: req.body, effectiveFrom: query.effective, replace: query.replace === 'true' }, ctx(req));
    res.status(201).json({
      version: { ...result.version, importedAt: result.version.importedAt.toISOString() },
      orphaned: result.orphaned && { calls: result.orphaned.calls, from: result.orphaned.from?.toISOString() ?? null, to: result.orphaned.to?.toISOString() ?? null },
    });
  });

  r.get('/:name/csv', async (req, res) => {
    const { name } = parseInput(deckParams, req.params, 'params');
    const { on } = parseInput(exportQuery, req.query, 'query');
    const { version, csv } = await deps.rates.export(name, on);
    res
      .type('text/csv')
      .set('Content-Disposition', `attachment; filename="${name}-${version.effectiveFrom}.csv"`)
      .set('Cache-Control', 'no-store')
      .send(csv);
  });

  return r;
}

import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Router } from 'express';
import { ForbiddenError } from '../core/errors.js';
import type { Metrics } from './metrics.js';
import type { Operations } from '../http/openapi.js';

export const metricsApi: Operations = {
  'GET /metrics': { summary: 'Prometheus metrics (text exposition format)', responses: { 200: 'The metrics', 403: 'Neither the token nor an allowed address' } },
};

/** `/metrics` for Prometheus: allowed by bearer token (METRICS_TOKEN) or by source address (METRICS_ALLOWED_IPS). */
export function metricsRouter(deps: { metrics: Metrics; token: string | null; allowedIps: readonly string[] }): Router {
  const r = Router();
  const allowed = new Set(deps.allowedIps.map(normalise));
  const expected = deps.token ? Buffer.from(`Bearer ${deps.token}`) : null;
  r.get('/metrics', async (req, res) => {
    const header = Buffer.from(req.headers.authorization ?? '');
    const tokenOk = expected !== null && header.length === expected.length && timingSafeEqual(header, expected);
    if (!tokenOk && !allowed.has(normalise(req.ip ?? ''))) throw new ForbiddenError('Metrics are for the monitoring system', 'metrics_forbidden');
    res.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}

function normalise(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIP(v4) ? v4.toLowerCase() : ip;
}

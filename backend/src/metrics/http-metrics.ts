import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/**
 * Requests by route pattern (`/api/users/:id`, never the id itself), method
 * and status, with latency. Requests no route took are one label.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      const method = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(req.method) ? req.method : 'OTHER';
      metrics.httpRequests.inc({ route, method, status: String(res.statusCode) });
      metrics.httpSeconds.observe({ route, method }, (performance.now() - started) / 1000);
    });
    next();
  };
}

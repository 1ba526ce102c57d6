// The HTTP side of the switch: where mod_xml_curl (and later mod_json_cdr)
// call in. Only the switches may: the source address must be allowed and the
// request must carry the configured basic-auth credentials; anything else is
// 403/401 with no decision made.
import { timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import { DRAIN_RETRY_AFTER_SECONDS, type Lifecycle } from '../health/lifecycle.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';
import type { RoutingMetrics, RoutingService, SwitchForm } from './routing.service.js';
import { NOT_FOUND } from './xml.js';

/** Longest form accepted: the real dialplan requests are about 6 KB. */
const FORM_LIMIT = '64kb';
/** Largest call record accepted; real ones are 3–12 KB. */
const CDR_LIMIT = '1mb';
const MAX_FIELD = 4096;

export interface CdrEndpoint {
  /** Stores one posted record; resolves once it is durably committed. */
  receive(contentType: string, body: string, uuid: string | undefined): Promise<void>;
}

export function switchHttpRouter(deps: { routing: RoutingService; cdrs: CdrEndpoint; config: Config['switchHttp']; lifecycle: Lifecycle; metrics: RoutingMetrics }): Router {
  const r = Router();
  r.use(switchAuth(deps.config, deps.metrics));

  // mod_json_cdr: JSON (encode=false), or a form with the JSON in `cdr` (encode=true).
  r.post('/cdr', express.text({ limit: CDR_LIMIT, type: ['application/json', 'application/x-www-form-urlencoded'] }), async (req, res) => {
    const uuid = typeof req.query['uuid'] === 'string' ? req.query['uuid'] : undefined;
    await deps.cdrs.receive(req.headers['content-type'] ?? '', typeof req.body === 'string' ? req.body : '', uuid);
    res.status(200).type('text/plain').send('OK');
  });

  // The raw text, parsed below with URLSearchParams: flat fields are all the switch sends.
  r.use(express.text({ limit: FORM_LIMIT, type: 'application/x-www-form-urlencoded' }));

  r.post('/xml', async (req, res) => {
    const form = typeof req.body === 'string' ? formOf(req.body) : null;
    if (!form) deps.metrics.rejected.inc({ reason: 'malformed_form' });
    // Draining: no new call decisions. Behind a load balancer that follows
    // /readyz few arrive; any that do meet the switch's fallback dialplan (SIP
    // 503). Directory answers (registrations) and calls under way go on.
    if (form?.['section'] === 'dialplan' && deps.lifecycle.draining) {
      deps.metrics.rejected.inc({ reason: 'draining' });
      res.status(503).set('Retry-After', String(DRAIN_RETRY_AFTER_SECONDS)).type('text/plain').send('draining');
      return;
    }
    const xml = form ? await deps.routing.answer(form) : NOT_FOUND;
    res.status(200).type('text/xml').send(xml);
  });
  return r;
}

const MAX_FIELDS = 1000;

/** Every field once, of sane length; a repeated, oversized or surplus field makes the whole form malformed. */
function formOf(body: string): SwitchForm | null {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const [k, v] of new URLSearchParams(body)) {
    if (++count > MAX_FIELDS || v.length > MAX_FIELD || k.length > 128 || k in out) return null;
    out[k] = v;
  }
  return typeof out['section'] === 'string' ? out : null;
}

function switchAuth(config: Config['switchHttp'], metrics: RoutingMetrics): RequestHandler {
  const allowed = new Set(config.allowedIps.map(normaliseIp));
  const expected = Buffer.from(`${config.username}:${config.password}`);
  return (req, res, next) => {
    const ip = normaliseIp(req.ip ?? req.socket.remoteAddress ?? '');
    if (!allowed.has(ip)) {
      metrics.rejected.inc({ reason: 'address_not_allowed' });
      throw new ForbiddenError('This address may not call the switch endpoints', 'address_not_allowed');
    }
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      metrics.rejected.inc({ reason: 'bad_credentials' });
      res.setHeader('WWW-Authenticate', 'Basic realm="sipcall-switch"');
      throw new UnauthorizedError('Switch credentials required');
    }
    next();
  };
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.5) is the IPv4 address. */
function normaliseIp(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIP(v4) ? v4.toLowerCase() : ip;
}

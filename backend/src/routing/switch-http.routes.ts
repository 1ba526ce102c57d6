// The HTTP side of the switch: where mod_xml_curl (and later mod_json_cdr)
// call in. Only the switches may: the source address must be allowed and the
// request must carry the configured basic-auth credentials; anything else is
// 403/401 with no decision made.
import { timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import type { RoutingMetrics, RoutingService, SwitchForm } from './routing.service.js';
import { NOT_FOUND } from './xml.js';

/** Longest form accepted: the real dialplan requests are about 6 KB. */
const FORM_LIMIT = '64kb';
const MAX_FIELD = 4096;

export function switchHttpRouter(deps: { routing: RoutingService; config: Config['switchHttp']; metrics: RoutingMetrics }): Router {
  const r = Router();
  r.use(switchAuth(deps.config, deps.metrics));
  r.use(express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 1000, type: 'application/x-www-form-urlencoded' }));

  r.post('/xml', async (req, res) => {
    const form = formOf(req.body);
    if (!form) deps.metrics.rejected.inc({ reason: 'malformed_form' });
    const xml = form ? await deps.routing.answer(form) : NOT_FOUND;
    res.status(200).type('text/xml').send(xml);
  });
  return r;
}

/** Every field a single string of sane length; repeated or oversized fields make the whole form malformed. */
function formOf(body: unknown): SwitchForm | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.length > MAX_FIELD || k.length > 128) return null;
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

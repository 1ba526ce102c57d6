// Only the switches may call the switch endpoints: the source address must be
// allowed and the request must carry the configured basic-auth credentials;
// anything else is 403/401 with no decision made.
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import type { Config } from '../config/settings.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';

export function switchAuth(config: Config['switchHttp'], rejected: (reason: 'address_not_allowed' | 'bad_credentials') => void): RequestHandler {
  const allowed = new Set(config.allowedIps.map(normaliseIp));
  const expected = Buffer.from(`${config.username}:${config.password}`);
  return (req, res, next) => {
    const ip = normaliseIp(req.ip ?? req.socket.remoteAddress ?? '');
    if (!allowed.has(ip)) {
      rejected('address_not_allowed');
      throw new ForbiddenError('This address may not call the switch endpoints', 'address_not_allowed');
    }
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      rejected('bad_credentials');
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

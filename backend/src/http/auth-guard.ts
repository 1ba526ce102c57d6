import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../auth/auth.service.js';
import type { PublicUser, Role } from '../users/user.entity.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireAuth for the rest of the request. */
    user?: PublicUser;
    /** The session (refresh-token family) the access token was issued for. */
    sessionId?: string;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** Accepts only `Authorization: Bearer <jwt>` of a live session; the user is re-read so disabling takes effect at once. */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) throw new UnauthorizedError();
    const m = BEARER.exec(header);
    if (!m) throw new UnauthorizedError('Malformed Authorization header', 'invalid_token');
    const { user, sessionId } = await auth.authenticate(m[1]!);
    req.user = user;
    req.sessionId = sessionId;
    next();
  };
}

export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new UnauthorizedError();
    if (req.user.role !== role) throw new ForbiddenError(`This needs the ${role} role`);
    next();
  };
}

/** The signed-in user of a request that passed requireAuth. */
export function currentUser(req: Request): PublicUser {
  if (!req.user) throw new UnauthorizedError();
  return req.user;
}

export function clientIp(req: Request): string | null {
  return req.ip ?? null;
}

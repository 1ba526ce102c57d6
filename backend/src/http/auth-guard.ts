// Who may reach a route. The guards are built once (createApp) from whatever
// can tell a live access token from a dead one, and put in front of routers
// where they are mounted, so one list says what needs a sign-in and what the
// admin role. Routers read the signed-in user with currentUser().
import type { Request, RequestHandler } from 'express';
import type { PublicUser, Role } from '../core/identity.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the signed-in guard for the rest of the request. */
    user?: PublicUser;
    /** The session (refresh-token family) the access token was issued for. */
    sessionId?: string;
  }
}

/** Tells who holds an access token: the user as they are now, and the live session the token belongs to. */
export interface Authenticator {
  authenticate(accessToken: string): Promise<{ user: PublicUser; sessionId: string }>;
}

export interface Guards {
  /** `Authorization: Bearer <jwt>` of a live session; the user is re-read, so disabling bites at once. */
  signedIn: RequestHandler;
  /** Signed in, with the admin role. */
  admin: RequestHandler[];
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

export function authGuards(auth: Authenticator): Guards {
  const signedIn: RequestHandler = async (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) throw new UnauthorizedError();
    const m = BEARER.exec(header);
    if (!m) throw new UnauthorizedError('Malformed Authorization header', 'invalid_token');
    const { user, sessionId } = await auth.authenticate(m[1]!);
    req.user = user;
    req.sessionId = sessionId;
    next();
  };
  return { signedIn, admin: [signedIn, requireRole('admin')] };
}

function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new UnauthorizedError();
    if (req.user.role !== role) throw new ForbiddenError(`This needs the ${role} role`);
    next();
  };
}

/** The signed-in user of a request that passed the signed-in guard. */
export function currentUser(req: Request): PublicUser {
  if (!req.user) throw new UnauthorizedError();
  return req.user;
}

export function clientIp(req: Request): string | null {
  return req.ip ?? null;
}

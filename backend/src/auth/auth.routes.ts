import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { clientIp, currentUser } from '../http/auth-guard.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../core/errors.js';
import { rateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import { readCookie } from '../http/cookies.js';
import type { CounterStore } from '../state/state.js';
import type { AuthService, Session } from './auth.service.js';
import { SignInLimits } from './sign-in-limits.js';
import type { Operations } from '../http/openapi.js';
import type { CookieSameSite } from '../config/framing.js';

/**
 * The refresh token lives only in this cookie: httpOnly, scoped to the auth
 * routes; SameSite=Strict unless another page frames the app (framing.ts).
 */
export const REFRESH_COOKIE = 'sipcall_refresh';
const COOKIE_PATH = '/api/auth';

const loginSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});
const emptyBody = z.union([z.undefined(), z.strictObject({})]);

export interface AuthRouterDeps {
  auth: AuthService;
  /** The signed-in guard, for /me. */
  signedIn: RequestHandler;
  counters: CounterStore;
  secureCookies: boolean;
  /** Strict, or what framing by the configured origins needs (Lax, or None + Partitioned). */
  cookieSameSite: CookieSameSite;
  /** The web app's own origins: a cookie that other sites receive is only honoured from these. */
  ownOrigins: readonly string[];
  loginRateLimit: { max: number; windowSeconds: number };
  /** Failed sign-ins to one account, from anywhere. */
  accountLoginRateLimit: { max: number; windowSeconds: number };
  refreshRateLimit: { max: number; windowSeconds: number };
}

export const authApi: Operations = {
  'POST /login': { summary: 'Sign in: an access token, and the refresh token in an httpOnly cookie', body: loginSchema, responses: { 200: '{ accessToken, expiresIn, user }', 401: 'Wrong email or password', 403: 'Password sign-in is switched off for this account (PASSWORD_LOGIN)', 429: 'Too many failed sign-ins' } },
  'POST /refresh': { summary: 'A new access token for the refresh cookie (which is spent and replaced)', body: emptyBody, responses: { 200: '{ accessToken, expiresIn, user }', 401: 'No live session (or Nextcloud no longer lets the account sign in)', 429: 'Too many refreshes' } },
  'POST /logout': { summary: 'End this session', body: emptyBody, responses: { 204: 'Signed out' } },
  'GET /me': { summary: 'The signed-in user', access: 'signed-in', responses: { 200: '{ user }' } },
};

export function authRouter(deps: AuthRouterDeps): Router {
  const r = Router();
  const limits = new SignInLimits({ counters: deps.counters, perAddress: deps.loginRateLimit, perAccount: deps.accountLoginRateLimit });
  const refreshLimit = rateLimiter({ name: 'refresh', ...deps.refreshRateLimit, counters: deps.counters });

  const cookie = cookieOptions(deps);
  // A SameSite=None cookie goes along with requests other sites make: then the routes it
  // authorises answer only the app's own pages (browsers name them in Origin).
  if (deps.cookieSameSite === 'none') r.use(ownPagesOnly(deps.ownOrigins));

  const sendSession = (res: Response, session: Session) => {
    setRefreshCookie(res, session, cookie);
    res.set('Cache-Control', 'no-store');
    res.json({ user: session.user, accessToken: session.accessToken, tokenType: 'Bearer', expiresIn: session.expiresIn });
  };

  r.post('/login', async (req, res) => {
    const address = clientIp(req) ?? 'unknown';
    let input: z.infer<typeof loginSchema>;
    try {
      input = parseInput(loginSchema, req.body, 'body');
    } catch (err) {
      // Malformed attempts count against the address (a script probing), never against an account.
      if (err instanceof ValidationError) {
        await limits.check(address, null);
        await limits.failed(address, null);
      }
      throw err;
    }
    await limits.check(address, input.email);
    let session: Session;
    try {
      session = await deps.auth.login(input.email, input.password, clientIp(req));
    } catch (err) {
      if (err instanceof UnauthorizedError) await limits.failed(address, input.email);
      throw err;
    }
    sendSession(res, session);
  });

  r.post('/refresh', refreshLimit, async (req, res) => {
    parseInput(emptyBody, req.body, 'body');
    const token = readRefreshCookie(req);
    if (!token) throw new UnauthorizedError('No session; sign in', 'invalid_refresh_token');
    try {
      sendSession(res, await deps.auth.refresh(token, clientIp(req)));
    } catch (err) {
      res.clearCookie(REFRESH_COOKIE, cookie);
      throw err;
    }
  });

  r.post('/logout', async (req, res) => {
    parseInput(emptyBody, req.body, 'body');
    const token = readRefreshCookie(req);
    if (token) await deps.auth.logout(token, clientIp(req));
    res.clearCookie(REFRESH_COOKIE, cookie);
    res.status(204).end();
  });

  r.get('/me', deps.signedIn, (req, res) => {
    res.json({ user: currentUser(req) });
  });

  return r;
}

/** The session's refresh token into its cookie (a password sign-in, or the return from Nextcloud). */
export function setRefreshCookie(res: Response, session: Session, cookie: ReturnType<typeof cookieOptions>): void {
  res.cookie(REFRESH_COOKIE, session.refresh.token, { ...cookie, expires: session.refresh.expiresAt });
}

export function cookieOptions(deps: Pick<AuthRouterDeps, 'secureCookies' | 'cookieSameSite'>) {
  const crossSite = deps.cookieSameSite === 'none';
  // Browsers drop SameSite=None without Secure; Partitioned keeps it to the framing site's jar.
  return { httpOnly: true, secure: deps.secureCookies || crossSite, sameSite: deps.cookieSameSite, partitioned: crossSite, path: COOKIE_PATH } as const;
}

function ownPagesOnly(ownOrigins: readonly string[]): RequestHandler {
  const own = new Set(ownOrigins);
  return (req, _res, next) => {
    const origin = req.headers.origin;
    // No Origin: not a page in a browser (which names it on every POST), so no cookie rode along uninvited.
    if (origin === undefined || own.has(origin)) return next();
    if (origin === `${req.protocol}://${req.get('host') ?? ''}`) return next();
    next(new ForbiddenError('Sign-in requests are only taken from SIPCall\'s own pages', 'foreign_origin'));
  };
}

/** The refresh cookie; anything malformed counts as absent. */
export function readRefreshCookie(req: Request): string | null {
  const value = readCookie(req, REFRESH_COOKIE);
  return value !== null && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
}

// Sign-in with Nextcloud over HTTP. The browser navigates (never fetches) to
// /start and comes back to /callback from Nextcloud; both answer with
// redirects, and every failure lands on the login page (or Settings, for a
// link) with a reason the page turns into a sentence. The flow's cookie is
// Lax, so that it comes back on Nextcloud's top-level redirect, and lives
// ten minutes under this path only.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { NextcloudLink, NextcloudSignInError } from '@sipcall/contract';
import { clientIp, currentUser } from '../http/auth-guard.js';
import type { Operations } from '../http/openapi.js';
import { rateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import { readCookie } from '../http/cookies.js';
import { ServiceUnavailableError } from '../core/errors.js';
import type { CounterStore } from '../state/state.js';
import { setRefreshCookie, type cookieOptions } from '../auth/auth.routes.js';
import { FLOW_SECONDS, type NextcloudSignIn } from './sign-in.js';
import { NextcloudSignInFailed } from './provider.js';
import type { NextcloudAssertions } from './assertion.js';

export const FLOW_COOKIE = 'sipcall_nextcloud';
const FLOW_PATH = '/api/auth/nextcloud';

const noQuery = z.strictObject({});
const emptyBody = z.union([z.undefined(), z.strictObject({})]);
/** What an authorization server sends back: the code and state, or an error; other parameters (iss, session_state) pass. */
const callbackQuery = z
  .object({
    code: z.string().max(2048).optional(),
    state: z.string().max(512).optional(),
    error: z.string().max(128).optional(),
    error_description: z.string().max(1024).optional(),
  })
  .catchall(z.string().max(2048));

export interface NextcloudRouterDeps {
  signIn: NextcloudSignIn;
  /** The registered redirect URI: the callback's URL is rebuilt on it, whatever Host the request came with. */
  redirectUri: string;
  /** Where the web app lives (PUBLIC_URL): the callback sends the browser there. */
  appUrl: string;
  refreshCookie: ReturnType<typeof cookieOptions>;
  secureCookies: boolean;
  counters: CounterStore;
}

export const nextcloudApi: Operations = {
  'GET /start': { summary: 'Sign in with Nextcloud: redirects to Nextcloud (a page navigation, not a fetch)', query: noQuery, responses: { 303: 'To Nextcloud, or to /login?signin_error=unavailable', 429: 'Too many sign-ins started' } },
  'GET /callback': {
    summary: 'Where Nextcloud sends the browser back: the flow checked, the code exchanged, a session started',
    query: callbackQuery,
    responses: { 303: 'To the web app signed in, to /login?signin_error=…, or (linking) to /settings?nextcloud_linked=1 or ?nextcloud_link_error=…', 429: 'Too many callbacks' },
  },
};

export const nextcloudLinkApi: Operations = {
  'GET /': { summary: 'Whether this account is linked to a Nextcloud account', query: noQuery, responses: { 200: '{ linked, nextcloudUser, since, hasPassword }' } },
  'POST /': { summary: 'Start linking this account to a Nextcloud account: the address to send the browser to', body: emptyBody, responses: { 200: '{ authorizationUrl }', 503: 'Nextcloud could not be reached' } },
  'DELETE /': { summary: 'Unlink the Nextcloud account', responses: { 204: 'Unlinked (or was not linked)', 409: 'The account has no password of its own (password_required)' } },
};

export function nextcloudRouter(deps: NextcloudRouterDeps): Router {
  const r = Router();
  // Generous: a whole office behind one address signs in at nine.
  const startLimit = rateLimiter({ name: 'nextcloud-start', max: 60, windowSeconds: 60, counters: deps.counters });
  const callbackLimit = rateLimiter({ name: 'nextcloud-callback', max: 60, windowSeconds: 60, counters: deps.counters });
  const flowCookie = { httpOnly: true, secure: deps.secureCookies, sameSite: 'lax', path: FLOW_PATH } as const;
  const back = (res: Response, mode: 'signin' | 'link', error: NextcloudSignInError) => {
    res.clearCookie(FLOW_COOKIE, flowCookie);
    res.redirect(303, mode === 'link' ? `${deps.appUrl}/settings?nextcloud_link_error=${error}` : `${deps.appUrl}/login?signin_error=${error}`);
  };

  r.get('/start', startLimit, async (req, res) => {
    parseInput(noQuery, req.query, 'query');
    try {
      const { flowId, authorizationUrl } = await deps.signIn.start({ mode: 'signin' });
      res.cookie(FLOW_COOKIE, flowId, { ...flowCookie, maxAge: FLOW_SECONDS * 1000 });
      res.set('Cache-Control', 'no-store').redirect(303, authorizationUrl.href);
    } catch (err) {
      if (!(err instanceof NextcloudSignInFailed)) throw err;
      back(res, 'signin', err.reason === 'unavailable' ? 'unavailable' : 'refused');
    }
  });

  r.get('/callback', callbackLimit, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const query = callbackQuery.safeParse(req.query);
    if (!query.success || Object.keys(req.query).length > 16) return back(res, 'signin', 'refused');
    const callbackUrl = new URL(deps.redirectUri);
    for (const [name, value] of Object.entries(query.data)) if (value !== undefined) callbackUrl.searchParams.set(name, value);
    const outcome = await deps.signIn.callback(readCookie(req, FLOW_COOKIE), callbackUrl, clientIp(req));
    if (outcome.kind === 'failed') return back(res, outcome.mode, outcome.error);
    res.clearCookie(FLOW_COOKIE, flowCookie);
    if (outcome.kind === 'linked') return res.redirect(303, `${deps.appUrl}/settings?nextcloud_linked=1`);
    setRefreshCookie(res, outcome.session, deps.refreshCookie);
    res.redirect(303, `${deps.appUrl}/`);
  });

  return r;
}

/** The signed-in side: the link from Settings. */
export function nextcloudLinkRouter(deps: Pick<NextcloudRouterDeps, 'signIn' | 'secureCookies' | 'counters'>): Router {
  const r = Router();
  const limit = rateLimiter({ name: 'nextcloud-link', max: 10, windowSeconds: 60, counters: deps.counters });
  const flowCookie = { httpOnly: true, secure: deps.secureCookies, sameSite: 'lax', path: FLOW_PATH } as const;

  r.get('/', async (req, res) => {
    parseInput(noQuery, req.query, 'query');
    const link: NextcloudLink = await deps.signIn.linkOf(currentUser(req).id);
    res.set('Cache-Control', 'no-store').json(link);
  });

  r.post('/', limit, async (req, res) => {
    parseInput(emptyBody, req.body, 'body');
    const { flowId, authorizationUrl } = await deps.signIn.start({ mode: 'link', userId: currentUser(req).id }).catch((err: unknown) => {
      if (err instanceof NextcloudSignInFailed) throw new ServiceUnavailableError('Nextcloud could not be reached; try again in a moment', 'nextcloud_unavailable');
      throw err;
    });
    res.cookie(FLOW_COOKIE, flowId, { ...flowCookie, maxAge: FLOW_SECONDS * 1000 });
    res.set('Cache-Control', 'no-store').json({ authorizationUrl: authorizationUrl.href });
  });

  r.delete('/', async (req, res) => {
    await deps.signIn.unlink(currentUser(req).id, clientIp(req));
    res.status(204).end();
  });

  return r;
}

const assertionBody = z.strictObject({ assertion: z.string().min(1).max(8192) });

export const nextcloudAssertionApi: Operations = {
  'POST /': {
    summary: 'Exchange an assertion from SIPCall’s Nextcloud app (its token endpoint) for a session: an access token, and the refresh token in its cookie',
    body: assertionBody,
    responses: { 200: '{ user, accessToken, tokenType, expiresIn }', 401: 'Not accepted: signature, issuer, audience, expiry, lifetime or a jti seen before (invalid_assertion)', 403: 'Accepted, but the account cannot sign in (email_taken, no_email, account_disabled)', 429: 'Too many refused assertions' },
  },
};

/** SIPCall's Nextcloud app signs its users in with an assertion instead of a redirect. */
export function nextcloudAssertionRouter(deps: { assertions: NextcloudAssertions; refreshCookie: ReturnType<typeof cookieOptions>; counters: CounterStore }): Router {
  const r = Router();
  const limit = rateLimiter({ name: 'nextcloud-assertion', max: 30, windowSeconds: 60, counters: deps.counters, onlyFailures: true });
  r.post('/', limit, async (req, res) => {
    const input = parseInput(assertionBody, req.body, 'body');
    const session = await deps.assertions.exchange(input.assertion, clientIp(req));
    setRefreshCookie(res, session, deps.refreshCookie);
    res.set('Cache-Control', 'no-store').json({ user: session.user, accessToken: session.accessToken, tokenType: 'Bearer', expiresIn: session.expiresIn });
  });
  return r;
}

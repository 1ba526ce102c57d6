// SIPCall inside other pages: what the web app needs to know when framed, and
// Nextcloud Talk's External Call Service (spreed docs/external-call-service.md):
// when someone presses the call button of a Talk conversation whose object is
// an external call, Talk's server asks this endpoint, with HTTP Basic auth
// (its `external_call_service_auth_user` and shared secret), for the address
// of the frame it then shows in the conversation. The conversation's object
// id is the number to call.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { UnauthorizedError, NotFoundError } from '../core/errors.js';
import type { Operations } from '../http/openapi.js';
import { rateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import type { CounterStore } from '../state/state.js';

export interface EmbedRouterDeps {
  /** Origins that may frame the app; the framed app talks (postMessage) to these only. */
  parentOrigins: readonly string[];
  talk: { authUser: string; sharedSecret: string } | null;
  publicUrl: string | null;
  counters: CounterStore;
}

/** A Talk conversation's object id: a number to dial (+E.164 or an extension), or a name for an undialled phone. */
const meetingParams = z.strictObject({ meetingId: z.string().regex(/^[A-Za-z0-9+._-]{1,64}$/, 'must be a number or a short name') });
const DIALLABLE = /^(\+[1-9][0-9]{5,14}|[0-9]{2,15})$/;
/** Talk's `x-nextcloud-user-id`: the Nextcloud user who pressed the button (absent for guests). */
const NEXTCLOUD_USER = /^[A-Za-z0-9 _.@'-]{1,64}$/;

export const embedApi: Operations = {
  'GET /': { summary: 'What the web app needs inside another page: the origins it may talk to', responses: { 200: '{ parentOrigins }' } },
  'GET /talk/:meetingId': {
    summary: 'Talk’s External Call Service: the address of the phone frame for a conversation (HTTP Basic auth with Talk’s shared secret)',
    params: meetingParams,
    responses: { 200: '{ iframeUrl }', 401: 'Wrong or missing credentials', 404: 'Talk is not configured', 429: 'Too many failed attempts' },
  },
};

export function embedRouter(deps: EmbedRouterDeps): Router {
  const r = Router();
  // Every attempt counts against the address, so guessing the secret is slow; Talk asks once per button press.
  const talkLimit = rateLimiter({ name: 'talk', max: 60, windowSeconds: 60, counters: deps.counters });

  r.get('/', (_req, res) => {
    res.json({ parentOrigins: deps.parentOrigins });
  });

  r.get('/talk/:meetingId', talkLimit, (req, res) => {
    const { talk, publicUrl } = deps;
    if (talk === null || publicUrl === null) throw new NotFoundError('Talk’s External Call Service is not configured here (TALK_SHARED_SECRET)');
    if (!basicAuthMatches(req, talk.authUser, talk.sharedSecret)) {
      res.set('WWW-Authenticate', 'Basic realm="SIPCall", charset="UTF-8"');
      throw new UnauthorizedError('Talk’s user name or shared secret is wrong', 'invalid_credentials');
    }
    const { meetingId } = parseInput(meetingParams, req.params, 'params');
    const frame = new URL(`${publicUrl}/`);
    frame.searchParams.set('embed', 'talk');
    if (DIALLABLE.test(meetingId)) frame.searchParams.set('dial', meetingId);
    const user = req.get('x-nextcloud-user-id');
    if (user !== undefined && NEXTCLOUD_USER.test(user)) frame.searchParams.set('ncuser', user);
    res.set('Cache-Control', 'no-store');
    res.json({ iframeUrl: frame.href });
  });

  return r;
}

function basicAuthMatches(req: Request, user: string, secret: string): boolean {
  const header = req.get('authorization');
  if (header === undefined || !/^Basic [A-Za-z0-9+/=]{1,1024}$/.test(header)) return false;
  const given = Buffer.from(header.slice(6), 'base64').toString('utf8');
  // Hashed first: equal lengths for the constant-time compare, whatever was sent.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(`${user}:${secret}`));
}

import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SignInProviders } from '@sipcall/contract';
import { RateLimitedError } from '../core/errors.js';
import { clientIp, currentUser } from '../http/auth-guard.js';
import type { Operations } from '../http/openapi.js';
import { rateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import { SignInLimits, type Limit } from '../auth/sign-in-limits.js';
import type { CounterStore } from '../state/state.js';
import { emailSchema, passwordSchema, userIdParams } from '../users/users.schema.js';
import type { ActionContext } from '../users/users.service.js';
import { MAIL_LANGUAGES, type MailLanguage } from './reset-mail.js';
import { WrongCurrentPasswordError, type PasswordService } from './passwords.service.js';

const changeSchema = z.strictObject({
  // Absent only for an account that has no password yet (made by signing in with Nextcloud).
  currentPassword: z.string().min(1).max(1024).optional(),
  newPassword: passwordSchema,
});
const setSchema = z.strictObject({ password: passwordSchema });
const forgotSchema = z.strictObject({
  email: emailSchema,
  /** The web app's language, for the mail; else the browser's, else English. */
  language: z.enum(MAIL_LANGUAGES).optional(),
});
const resetSchema = z.strictObject({
  token: z.string().min(1).max(256),
  password: passwordSchema,
});
const noQuery = z.strictObject({});

function actionContext(req: Request): ActionContext {
  const user = currentUser(req);
  return { actor: { id: user.id, email: user.email }, ip: clientIp(req) };
}

export const mePasswordApi: Operations = {
  'POST /password': {
    summary: 'Change one’s own password (the current one proves it), or set a first one where the account has none (made by signing in with Nextcloud); every other session ends',
    body: changeSchema,
    responses: { 204: 'Changed', 400: 'currentPassword is missing and the account has a password', 403: 'The current password is wrong (wrong_current_password)', 429: 'Too many wrong passwords' },
  },
};

/** A signed-in user changes their own password; wrong current passwords count as failed sign-ins. */
export function mePasswordRouter(deps: { passwords: PasswordService; counters: CounterStore; perAddress: Limit; perAccount: Limit }): Router {
  const r = Router();
  const limits = new SignInLimits({ counters: deps.counters, perAddress: deps.perAddress, perAccount: deps.perAccount });
  r.post('/password', async (req, res) => {
    const user = currentUser(req);
    const address = clientIp(req) ?? 'unknown';
    await limits.check(address, user.email);
    const input = parseInput(changeSchema, req.body, 'body');
    try {
      await deps.passwords.change(user.id, req.sessionId, input.currentPassword, input.newPassword, actionContext(req));
    } catch (err) {
      if (err instanceof WrongCurrentPasswordError) await limits.failed(address, user.email);
      throw err;
    }
    res.status(204).end();
  });
  return r;
}

export const userPasswordApi: Operations = {
  'POST /:id/password': {
    summary: 'Set a new password for an account; all its sessions end',
    params: userIdParams,
    body: setSchema,
    responses: { 204: 'Set', 404: 'No such user' },
  },
};

/** An admin sets someone's password. */
export function userPasswordRouter(deps: { passwords: PasswordService }): Router {
  const r = Router();
  r.post('/:id/password', async (req, res) => {
    const { id } = parseInput(userIdParams, req.params, 'params');
    const { password } = parseInput(setSchema, req.body, 'body');
    await deps.passwords.adminReset(id, password, actionContext(req));
    res.status(204).end();
  });
  return r;
}

export const passwordResetApi: Operations = {
  'GET /providers': { summary: 'How one can sign in here, and whether a forgotten password can be reset by mail', query: noQuery, responses: { 200: '{ password, passwordAdminsOnly, passwordReset, nextcloud }' } },
  'POST /password/forgot': {
    summary: 'Mail a reset link to this address if an account has it (the answer is the same either way)',
    body: forgotSchema,
    responses: { 202: 'Accepted: { accepted: true }', 429: 'Too many requests from this address or for this email', 503: 'No mail is configured (password_reset_unavailable)' },
  },
  'POST /password/reset': {
    summary: 'Set a new password with a mailed link; the link is spent and every session ends',
    body: resetSchema,
    responses: { 204: 'Set', 400: 'A weak password, or the link expired, was used or is unknown (reset_token_expired, reset_token_used, reset_token_invalid)', 429: 'Too many failed attempts' },
  },
};

export interface PasswordResetRouterDeps {
  passwords: PasswordService;
  counters: CounterStore;
  /** Requests from one client address (forgot), and failed resets from it. */
  perAddress: Limit;
  /** Links asked for one email address. */
  perEmail: Limit;
  /** PASSWORD_LOGIN. */
  passwordLogin: 'all' | 'admins' | 'off';
  /** Sign-in with Nextcloud is configured. */
  nextcloud: boolean;
}

/** The public side: which sign-in there is, and the forgotten password's link by mail. */
export function passwordResetRouter(deps: PasswordResetRouterDeps): Router {
  const r = Router();
  const forgotLimit = rateLimiter({ name: 'password-forgot', ...deps.perAddress, counters: deps.counters });
  const resetLimit = rateLimiter({ name: 'password-reset', ...deps.perAddress, counters: deps.counters, onlyFailures: true });

  r.get('/providers', (req, res) => {
    parseInput(noQuery, req.query, 'query');
    const providers: SignInProviders = {
      password: deps.passwordLogin !== 'off',
      passwordAdminsOnly: deps.passwordLogin === 'admins',
      passwordReset: deps.passwordLogin !== 'off' && deps.passwords.resetByMail,
      nextcloud: deps.nextcloud,
    };
    res.set('Cache-Control', 'no-cache').json(providers);
  });

  r.post('/password/forgot', forgotLimit, async (req, res) => {
    const input = parseInput(forgotSchema, req.body, 'body');
    const seen = await deps.counters.hit(`password-forgot:email:${input.email}`, deps.perEmail.windowSeconds * 1000);
    if (seen.count > deps.perEmail.max) {
      throw new RateLimitedError(Math.max(1, Math.ceil((seen.resetAt.getTime() - Date.now()) / 1000)));
    }
    const language: MailLanguage = input.language ?? ((req.acceptsLanguages(...MAIL_LANGUAGES) || 'en') as MailLanguage);
    await deps.passwords.forgot(input.email, language, clientIp(req));
    res.status(202).json({ accepted: true });
  });

  r.post('/password/reset', resetLimit, async (req, res) => {
    const input = parseInput(resetSchema, req.body, 'body');
    await deps.passwords.reset(input.token, input.password, clientIp(req));
    res.status(204).end();
  });

  return r;
}

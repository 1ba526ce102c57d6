import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../http/auth-guard.js';
import { parseInput } from '../http/validate.js';
import type { Operations } from '../http/openapi.js';
import { rateLimiter } from '../http/rate-limit.js';
import type { CounterStore } from '../state/state.js';
import type { NextcloudContactService } from './nextcloud-contacts.service.js';

const connectBody = z.union([
  z.strictObject({
    username: z.string().trim().min(1).max(200),
    // Nextcloud's app passwords are 72 characters in five groups; other servers' passwords differ, so only the length is held.
    appPassword: z.string().min(1).max(512),
  }),
  // With the token of the user's Nextcloud sign-in (Nextcloud's OAuth2 app).
  z.strictObject({ withSignIn: z.literal(true) }),
]);
const listQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** Refused connection attempts per user and window: each one is a sign-in at Nextcloud from this server's address, which Nextcloud's own brute-force protection counts. */
export const CONNECT_FAILURES = { max: 10, windowSeconds: 900 };

export const nextcloudContactsApi: Operations = {
  'GET /': { summary: 'One’s Nextcloud contacts by name, narrowed by name, organisation or number (read-only)', query: listQuery, responses: { 200: '{ items }' } },
  'GET /connection': { summary: 'Whether one’s Nextcloud address books are connected, and how the last sync went', responses: { 200: 'AddressBookStatus' } },
  'PUT /connection': {
    summary: 'Connect one’s Nextcloud address books with the Nextcloud user name and an app password (tried first, then kept sealed; synced once), or { withSignIn: true } with the token of one’s Nextcloud sign-in',
    body: connectBody,
    responses: { 200: 'AddressBookStatus', 409: 'withSignIn, but this account does not sign in with Nextcloud’s OAuth2 app (nextcloud_sign_in_unusable)', 422: 'Nextcloud refused the user name or app password; nothing was stored', 429: `More than ${CONNECT_FAILURES.max} refused attempts in ${CONNECT_FAILURES.windowSeconds / 60} minutes`, 502: 'Nextcloud could not be reached', 503: 'No CardDAV server is configured' },
  },
  'DELETE /connection': { summary: 'Disconnect: the credentials and every cached contact go', responses: { 204: 'Disconnected', 404: 'Not connected' } },
  'POST /connection/sync': { summary: 'Sync now (joining a sync under way)', responses: { 200: 'AddressBookStatus', 404: 'Not connected', 503: 'No CardDAV server is configured' } },
};

/** The signed-in user's Nextcloud address books: connection, sync, and the cached cards. */
export function nextcloudContactsRouter(deps: { nextcloudContacts: NextcloudContactService; counters: CounterStore }): Router {
  const r = Router();
  const svc = deps.nextcloudContacts;
  const connectLimit = rateLimiter({ name: 'nextcloud-connect', ...CONNECT_FAILURES, counters: deps.counters, onlyFailures: true, key: (req) => currentUser(req).id });

  r.get('/', async (req, res) => {
    res.json({ items: await svc.list(currentUser(req).id, parseInput(listQuery, req.query, 'query')) });
  });

  r.get('/connection', async (req, res) => {
    res.json(await svc.status(currentUser(req).id));
  });

  r.put('/connection', connectLimit, async (req, res) => {
    const input = parseInput(connectBody, req.body, 'body');
    res.json(await svc.connect(currentUser(req).id, input));
  });

  r.delete('/connection', async (req, res) => {
    await svc.disconnect(currentUser(req).id);
    res.status(204).end();
  });

  r.post('/connection/sync', async (req, res) => {
    res.json(await svc.syncNow(currentUser(req).id));
  });

  return r;
}

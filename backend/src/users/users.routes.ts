import { Router } from 'express';
import { clientIp, currentUser } from '../http/auth-guard.js';
import { parseInput } from '../http/validate.js';
import type { Request } from 'express';
import type { ActionContext, UserService } from './users.service.js';
import { z } from 'zod';
import { countrySchema, createUserSchema, listUsersQuery, updateUserSchema, userIdParams } from './users.schema.js';
import type { Operations } from '../http/openapi.js';

function actionContext(req: Request): ActionContext {
  const user = currentUser(req);
  return { actor: { id: user.id, email: user.email }, ip: clientIp(req) };
}

export const usersApi: Operations = {
  'GET /': { summary: 'Accounts, page by page', query: listUsersQuery },
  'POST /': { summary: 'Create an account', body: createUserSchema, responses: { 201: 'Created: { user }', 409: 'The email or extension is taken' } },
  'GET /:id': { summary: 'One account', params: userIdParams, responses: { 200: '{ user }', 404: 'No such user' } },
  'PATCH /:id': { summary: 'Change an account (a new role, password or disabling ends its sessions)', params: userIdParams, body: updateUserSchema, responses: { 200: '{ user }', 404: 'No such user', 409: 'Taken, or the last admin' } },
  'DELETE /:id': { summary: 'Delete an account', params: userIdParams, responses: { 204: 'Deleted', 404: 'No such user', 409: 'The last admin' } },
};

/** Admin management of accounts. */
export function usersRouter(deps: { users: UserService }): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    res.json(await deps.users.list(parseInput(listUsersQuery, req.query, 'query')));
  });

  r.post('/', async (req, res) => {
    const input = parseInput(createUserSchema, req.body, 'body');
    res.status(201).json({ user: await deps.users.create(input, actionContext(req)) });
  });

  r.get('/:id', async (req, res) => {
    const { id } = parseInput(userIdParams, req.params, 'params');
    res.json({ user: await deps.users.get(id) });
  });

  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(userIdParams, req.params, 'params');
    const patch = parseInput(updateUserSchema, req.body, 'body');
    res.json({ user: await deps.users.update(id, patch, actionContext(req)) });
  });

  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(userIdParams, req.params, 'params');
    await deps.users.delete(id, actionContext(req));
    res.status(204).end();
  });

  return r;
}

const settingsBody = z.strictObject({
  privacyMode: z.boolean().optional(),
  defaultCountry: countrySchema.nullable().optional(),
});

export const meApi: Operations = {
  'PATCH /': { summary: 'Change one’s own settings', body: settingsBody, responses: { 200: '{ user }' } },
};

/** A user's own settings. */
export function meRouter(deps: { users: UserService }): Router {
  const r = Router();
  r.patch('/', async (req, res) => {
    const patch = parseInput(settingsBody, req.body, 'body');
    res.json({ user: await deps.users.updateSettings(currentUser(req).id, patch, actionContext(req)) });
  });
  return r;
}

const peopleQuery = z.strictObject({ q: z.string().trim().min(1).max(100).optional() });

export const peopleApi: Operations = {
  'GET /': { summary: 'The other people here one can call: display name and extension, nothing else', query: peopleQuery, responses: { 200: '{ people }' } },
};

/** Every signed-in user's view of the organisation: who answers to which extension. */
export function peopleRouter(deps: { users: UserService }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { q } = parseInput(peopleQuery, req.query, 'query');
    res.json({ people: await deps.users.people(currentUser(req).id, q) });
  });
  return r;
}

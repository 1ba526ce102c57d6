import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../http/auth-guard.js';
import { parseInput } from '../http/validate.js';
import type { Operations } from '../http/openapi.js';
import { MAX_CONTACTS_PER_USER, type ContactService } from './contacts.service.js';

const LABELS = ['mobile', 'work', 'home', 'other'] as const;
const numberSchema = z.strictObject({
  label: z.enum(LABELS),
  number: z.string().trim().min(1).max(40),
});
const fields = {
  displayName: z.string().trim().min(1).max(100),
  organisation: z.string().trim().max(100).nullable(),
  numbers: z.array(numberSchema).min(1).max(5),
  note: z.string().trim().max(1000).nullable(),
};
const createBody = z.strictObject({ ...fields, organisation: fields.organisation.optional(), note: fields.note.optional() });
const patchBody = z
  .strictObject({ displayName: fields.displayName.optional(), organisation: fields.organisation.optional(), numbers: fields.numbers.optional(), note: fields.note.optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');
const idParams = z.strictObject({ id: z.uuid() });
const listQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(600).optional(),
});
const lookupQuery = z.strictObject({
  numbers: z
    .string()
    .min(1)
    .max(2000)
    .transform((s) => s.split(',').map((n) => n.trim()))
    .pipe(z.array(z.string().min(1).max(40)).min(1).max(50)),
});

const searchQuery = z.strictObject({
  q: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const contactsApi: Operations = {
  'GET /': { summary: 'One’s own contacts by name, narrowed by name, organisation or number', query: listQuery, responses: { 200: '{ items, nextCursor }' } },
  'GET /lookup': { summary: 'The names one’s contacts give these numbers', query: lookupQuery, responses: { 200: '{ names: { E.164: name } }' } },
  'GET /search': {
    summary: 'Everyone one keeps a number of (own contacts, and Nextcloud’s marked source nextcloud, read-only) whose name, organisation or number matches, as one types',
    query: searchQuery,
    responses: { 200: '{ items: ContactMatch[] }' },
  },
  'POST /': { summary: 'Add a contact', body: createBody, responses: { 201: '{ contact }', 409: `The address book holds ${MAX_CONTACTS_PER_USER} contacts already` } },
  'PATCH /:id': { summary: 'Change a contact (numbers replace the list)', params: idParams, body: patchBody, responses: { 200: '{ contact }', 404: 'No such contact of yours' } },
  'DELETE /:id': { summary: 'Delete a contact', params: idParams, responses: { 204: 'Deleted', 404: 'No such contact of yours' } },
};

/** The signed-in user's own address book; another user's contact is not found. */
export function contactsRouter(deps: { contacts: ContactService }): Router {
  const r = Router();
  const blankIsNone = (v: string | null | undefined) => (v === '' ? null : v);

  r.get('/', async (req, res) => {
    res.json(await deps.contacts.list(currentUser(req).id, parseInput(listQuery, req.query, 'query')));
  });

  r.get('/lookup', async (req, res) => {
    const { numbers } = parseInput(lookupQuery, req.query, 'query');
    res.json({ names: await deps.contacts.lookup(currentUser(req).id, numbers) });
  });

  r.get('/search', async (req, res) => {
    const { q, limit } = parseInput(searchQuery, req.query, 'query');
    res.json({ items: await deps.contacts.search(currentUser(req).id, q, limit) });
  });

  r.post('/', async (req, res) => {
    const input = parseInput(createBody, req.body, 'body');
    const contact = await deps.contacts.create(currentUser(req).id, { ...input, organisation: blankIsNone(input.organisation), note: blankIsNone(input.note) });
    res.status(201).json({ contact });
  });

  r.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const change = parseInput(patchBody, req.body, 'body');
    const contact = await deps.contacts.update(currentUser(req).id, id, { ...change, organisation: blankIsNone(change.organisation), note: blankIsNone(change.note) });
    res.json({ contact });
  });

  r.delete('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    await deps.contacts.remove(currentUser(req).id, id);
    res.status(204).end();
  });

  return r;
}

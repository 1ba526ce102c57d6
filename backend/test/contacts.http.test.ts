// The address book over HTTP: a user's own contacts, sealed at rest, found by
// name or number; another user's contact is not there; bad input changes nothing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const PASSWORD = 'a long enough password';
const MAX = 5000;

describe('contacts over HTTP', () => {
  let t: TestApp;
  let ann: string;
  let bob: string;
  let full: string;
  let fullId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEFAULT_COUNTRY: 'DE' });
    await createUser(t, { email: 'ann@example.com', displayName: 'Ann' });
    await createUser(t, { email: 'bob@example.com', displayName: 'Bob' });
    fullId = (await createUser(t, { email: 'full@example.com', displayName: 'Full' })).id;
    await t.services.users.update(fullId, { extension: '2001' }, { actor: { id: null, email: 'test' }, ip: null });
    const signIn = async (email: string) => (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
    ann = await signIn('ann@example.com');
    bob = await signIn('bob@example.com');
    full = await signIn('full@example.com');
  });
  afterAll(() => t?.close());

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string) => request(t.app).post(url).set('Authorization', `Bearer ${token}`),
    patch: (url: string) => request(t.app).patch(url).set('Authorization', `Bearer ${token}`),
    delete: (url: string) => request(t.app).delete(url).set('Authorization', `Bearer ${token}`),
  });
  const rows = async () => (await t.db.dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM contacts ORDER BY id`)).map((r) => JSON.stringify(r));

  it('adds a contact with its numbers in E.164, seals every personal field, and reads it back', async () => {
    const res = await as(ann)
      .post('/api/contacts')
      .send({ displayName: 'Dora Diaz', organisation: 'Acme GmbH', numbers: [{ label: 'work', number: '030 1234567' }, { label: 'mobile', number: '+43 1 5123456' }], note: 'Prefers mornings' })
      .expect(201);
    expect(res.body.contact).toMatchObject({
      displayName: 'Dora Diaz',
      organisation: 'Acme GmbH',
      numbers: [
        { label: 'work', number: '+49301234567' },
        { label: 'mobile', number: '+4315123456' },
      ],
      note: 'Prefers mornings',
    });
    const [stored] = await t.db.dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM contacts WHERE id = $1`, [res.body.contact.id]);
    const text = JSON.stringify(stored);
    for (const secret of ['Dora', 'Acme', '1234567', '5123456', 'mornings']) expect(text).not.toContain(secret);
    expect(stored!['number_idx']).toEqual([t.services.blindIndex.of('+49301234567'), t.services.blindIndex.of('+4315123456')]);

    const list = await as(ann).get('/api/contacts').expect(200);
    expect(list.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Dora Diaz']);
  });

  it('finds contacts by name, organisation or number, page by page in name order', async () => {
    for (const name of ['Carl Cole', 'Anna Alt', 'Bert Brandt']) {
      await as(ann).post('/api/contacts').send({ displayName: name, numbers: [{ label: 'home', number: `+4989${name.length}12345${name.charCodeAt(0)}` }] }).expect(201);
    }
    const names = async (url: string) => ((await as(ann).get(url).expect(200)).body.items as Array<{ displayName: string }>).map((c) => c.displayName);
    expect(await names('/api/contacts?q=dora')).toEqual(['Dora Diaz']);
    expect(await names('/api/contacts?q=acme')).toEqual(['Dora Diaz']);
    expect(await names('/api/contacts?q=030%201234567')).toEqual(['Dora Diaz']);
    expect(await names('/api/contacts?q=5123456')).toEqual(['Dora Diaz']);
    expect(await names('/api/contacts?q=nobody')).toEqual([]);

    const first = await as(ann).get('/api/contacts?limit=2').expect(200);
    expect(first.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Anna Alt', 'Bert Brandt']);
    const second = await as(ann).get(`/api/contacts?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Carl Cole', 'Dora Diaz']);
    expect(second.body.nextCursor).toBeNull();
    await as(ann).get('/api/contacts?cursor=not-a-cursor').expect(400);
    await as(ann).get('/api/contacts?limit=0').expect(400);
  });

  it('names the numbers it knows, and leaves out those it does not or that are not numbers', async () => {
    const res = await as(ann).get('/api/contacts/lookup?numbers=%2B49301234567,%2B4315123456,%2B33142685300,nonsense').expect(200);
    expect(res.body.names).toEqual({ '+49301234567': 'Dora Diaz', '+4315123456': 'Dora Diaz' });
    expect((await as(bob).get('/api/contacts/lookup?numbers=%2B49301234567').expect(200)).body.names).toEqual({});
    await as(ann).get('/api/contacts/lookup').expect(400);
    await as(ann).get(`/api/contacts/lookup?numbers=${Array.from({ length: 51 }, (_, i) => `+4930123456${i}`).join(',')}`).expect(400);
  });

  it('changes a contact, re-sealing it, and the lookup follows the new number', async () => {
    const dora = (await as(ann).get('/api/contacts?q=dora').expect(200)).body.items[0];
    const res = await as(ann).patch(`/api/contacts/${dora.id}`).send({ numbers: [{ label: 'other', number: '+33 1 42 68 53 00' }], note: null }).expect(200);
    expect(res.body.contact).toMatchObject({ displayName: 'Dora Diaz', organisation: 'Acme GmbH', numbers: [{ label: 'other', number: '+33142685300' }], note: null });
    expect((await as(ann).get('/api/contacts/lookup?numbers=%2B49301234567,%2B33142685300').expect(200)).body.names).toEqual({ '+33142685300': 'Dora Diaz' });
  });

  it('refuses what is not a phone number, a name too long, too many numbers or unknown fields with 400, and changes nothing', async () => {
    const dora = (await as(ann).get('/api/contacts?q=dora').expect(200)).body.items[0];
    const before = await rows();
    const bad: Array<[string, object]> = [
      ['body.numbers.0.number', { displayName: 'X', numbers: [{ label: 'work', number: 'call me' }] }],
      ['body.numbers.1.number', { displayName: 'X', numbers: [{ label: 'work', number: '+49301234567' }, { label: 'home', number: '030 1234567' }] }],
      ['body.displayName', { displayName: 'x'.repeat(101), numbers: [{ label: 'work', number: '+49301234567' }] }],
      ['body.displayName', { displayName: '  ', numbers: [{ label: 'work', number: '+49301234567' }] }],
      ['body.numbers', { displayName: 'X', numbers: [] }],
      ['body.numbers', { displayName: 'X', numbers: Array.from({ length: 6 }, (_, i) => ({ label: 'work', number: `+4930123456${i}` })) }],
      ['body.numbers.0.label', { displayName: 'X', numbers: [{ label: 'pager', number: '+49301234567' }] }],
      ['body', { displayName: 'X', numbers: [{ label: 'work', number: '+49301234567' }], owner: 'someone' }],
    ];
    for (const [path, body] of bad) {
      const res = await as(ann).post('/api/contacts').send(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    const patched = await as(ann).patch(`/api/contacts/${dora.id}`).send({ numbers: [{ label: 'work', number: '12' }] }).expect(400);
    expect(patched.body.error.details.issues[0].path).toBe('body.numbers.0.number');
    await as(ann).patch(`/api/contacts/${dora.id}`).send({}).expect(400);
    await as(ann).patch('/api/contacts/not-an-id').send({ displayName: 'Y' }).expect(400);
    expect(await rows()).toEqual(before);
  });

  it('answers 404 for another user’s contact, whatever is asked, and leaves it as it was', async () => {
    const dora = (await as(ann).get('/api/contacts?q=dora').expect(200)).body.items[0];
    const before = await rows();
    expect((await as(bob).patch(`/api/contacts/${dora.id}`).send({ displayName: 'Mine now' }).expect(404)).body.error.code).toBe('not_found');
    expect((await as(bob).delete(`/api/contacts/${dora.id}`).expect(404)).body.error.code).toBe('not_found');
    expect((await as(bob).get('/api/contacts').expect(200)).body.items).toEqual([]);
    expect(await rows()).toEqual(before);
  });

  it('deletes a contact', async () => {
    const carl = (await as(ann).get('/api/contacts?q=carl').expect(200)).body.items[0];
    await as(ann).delete(`/api/contacts/${carl.id}`).expect(204);
    await as(ann).delete(`/api/contacts/${carl.id}`).expect(404);
    expect((await as(ann).get('/api/contacts?q=carl').expect(200)).body.items).toEqual([]);
  });

  it(`refuses a contact beyond ${MAX} with 409 and adds nothing`, async () => {
    await t.db.dataSource.query(
      `INSERT INTO contacts (user_id, name_enc, numbers_enc, number_idx) SELECT $1, 'v1.x.y', 'v1.x.y', ARRAY[]::text[] FROM generate_series(1, $2)`,
      [fullId, MAX],
    );
    const res = await as(full).post('/api/contacts').send({ displayName: 'One more', numbers: [{ label: 'work', number: '+49301234567' }] }).expect(409);
    expect(res.body.error.code).toBe('contacts_full');
    const counted = await t.db.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM contacts WHERE user_id = $1`, [fullId]);
    expect(counted[0]?.n).toBe(MAX);
  });

  it('shows every signed-in user the organisation’s other people with an extension: name and extension, nothing private', async () => {
    const res = await as(ann).get('/api/people').expect(200);
    expect(res.body.people).toEqual([{ displayName: 'Full', extension: '2001' }]);
    expect((await as(ann).get('/api/people?q=ful').expect(200)).body.people).toHaveLength(1);
    expect((await as(ann).get('/api/people?q=full%40example').expect(200)).body.people).toEqual([]);
    expect((await as(full).get('/api/people').expect(200)).body.people).toEqual([]);
    await as(ann).get('/api/people?email=x').expect(400);
  });
});

// Input at the edges of what the database can hold: numbers past bigint,
// dates past PostgreSQL's calendar, NUL characters, ids that are not ids.
// Each is a 400 (or 401) naming the field, and changes nothing; none is a 500.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const PASSWORD = 'a long enough password';
const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('input at the edges', () => {
  let t: TestApp;
  let admin: string;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { email: 'root@example.com', role: 'admin', password: PASSWORD });
    userId = (await createUser(t, { email: 'carl@example.com', password: PASSWORD, displayName: 'Carl' })).id;
    admin = (await request(t.app).post('/api/auth/login').send({ email: 'root@example.com', password: PASSWORD }).expect(200)).body.accessToken as string;
  });
  afterAll(() => t?.close());

  const get = (path: string) => request(t.app).get(path).set('Authorization', `Bearer ${admin}`);

  it.each([
    ['an audit cursor past bigint', '/api/audit?cursor=9999999999999999999', 'query.cursor'],
    ['a history cursor with an id past bigint', `/api/history?cursor=${b64('2026-11-21T04:00:00.000Z|9999999999999999999')}`, 'query.cursor'],
    ['a history cursor dated before the calendar', `/api/history?cursor=${b64('-271821-04-20T00:00:00.000Z|1')}`, 'query.cursor'],
    ['a history cursor that is not one', `/api/history?cursor=${b64('yesterday|1')}`, 'query.cursor'],
    ['a history start in the year -271821', '/api/history?from=-271821-04-20T00:00:00.000Z', 'query.from'],
    ['a history end past 9999', '/api/history?to=%2B275760-09-13T00:00:00.000Z', 'query.to'],
    ['a history date given as a huge number', '/api/history?from=9999999999999999999', 'query.from'],
    ['an analytics range before the calendar', '/api/analytics?from=-271821-04-20T00:00:00.000Z', 'query.from'],
    ['a NUL in a user search', '/api/users?q=a%00b', 'query.q'],
    ['a NUL in a user cursor', '/api/users?cursor=a%00b', 'query.cursor'],
    ['a NUL in an audit filter', '/api/audit?targetId=x%00', 'query.targetId'],
    ['a NUL in a history number', '/api/history?number=%2B4930%00', 'query.number'],
    ['a NUL in a destination being typed', '/api/destinations?number=030%00', 'query.number'],
  ])('refuses %s with 400 naming the field', async (_what, path, field) => {
    const res = await get(path).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error)).toContain(field);
  });

  it('refuses a NUL in a body field with 400 and changes nothing', async () => {
    const before = await t.services.users.findById(userId);
    const res = await request(t.app).patch(`/api/users/${userId}`).set('Authorization', `Bearer ${admin}`).send({ displayName: 'Ca\u0000rl' }).expect(400);
    expect(JSON.stringify(res.body.error)).toContain('body.displayName');
    expect(await t.services.users.findById(userId)).toEqual(before);
  });

  it('refuses a NUL in a new user with 400 and creates nobody', async () => {
    const before = await t.services.users.count();
    await request(t.app)
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ email: 'dora@example.com', displayName: 'Dora\u0000', role: 'user', password: PASSWORD })
      .expect(400);
    expect(await t.services.users.count()).toBe(before);
  });

  it('refuses a NUL in a number being registered with 400 and registers nothing', async () => {
    const before = (await request(t.app).get('/api/dids').set('Authorization', `Bearer ${admin}`).expect(200)).body;
    await request(t.app).post('/api/dids').set('Authorization', `Bearer ${admin}`).send({ number: '+4930\u0000123', userId }).expect(400);
    expect((await request(t.app).get('/api/dids').set('Authorization', `Bearer ${admin}`).expect(200)).body).toEqual(before);
  });

  it('refuses a NUL in a sign-in with 400', async () => {
    const res = await request(t.app).post('/api/auth/login').send({ email: 'carl@example.com', password: `${PASSWORD}\u0000` }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

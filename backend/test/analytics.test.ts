// Analytics figures on a small set of records whose answers are known.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const H = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 20, h, m)).toISOString();

describe('analytics', () => {
  let t: TestApp;
  let token: string;
  const u1 = '11111111-1111-4111-8111-111111111111';
  const u2 = '22222222-2222-4222-8222-222222222222';

  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { email: 'root@example.com', role: 'admin', password: 'a long enough password' });
    token = (await request(t.app).post('/api/auth/login').send({ email: 'root@example.com', password: 'a long enough password' })).body.accessToken as string;
    // [user, start, end, answered?, billsec, cause, country]
    const calls: Array<[string | null, string, string, boolean, number, string, string | null]> = [
      [u1, H(9, 0), H(9, 30), true, 1800, 'NORMAL_CLEARING', 'DE'],
      [u1, H(9, 10), H(9, 20), true, 600, 'NORMAL_CLEARING', 'DE'],
      [u2, H(9, 15), H(9, 16), false, 0, 'USER_BUSY', 'US'],
      [u2, H(10, 5), H(10, 8), true, 180, 'NORMAL_CLEARING', 'US'],
      [null, H(10, 6), H(10, 7), false, 0, 'NO_ANSWER', null],
      // a far leg: never counted
      [u1, H(9, 0), H(9, 30), true, 1800, 'NORMAL_CLEARING', 'DE'],
    ];
    for (const [i, [user, start, end, answered, billsec, cause, country]] of calls.entries()) {
      const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      await t.db.dataSource.query(
        `INSERT INTO cdrs (call_uuid, leg, origin_uuid, user_id, direction, node, started_at, answered_at, ended_at, duration_s, billsec, hangup_cause, country, raw_enc)
         VALUES ($1, $2, $1, $3, 'outbound', 'fs1', $4, $5, $6, $7, $8, $9, $10, 'v1.x.y')`,
        [uuid, i === 5 ? 'b' : 'a', user, start, answered ? start : null, end, (Date.parse(end) - Date.parse(start)) / 1000, billsec, cause, country],
      );
    }
  });
  afterAll(() => t?.close());

  const empty = (bucket: string) => ({ bucket, calls: 0, answered: 0, asr: null, acdSeconds: null, minutes: 0 });

  it('sums volume, ASR and ACD per hour and overall, with every hour of the range', async () => {
    const res = await request(t.app).get(`/api/analytics?from=${H(8)}&to=${H(12)}`).set('Authorization', `Bearer ${token}`).expect(200);
    const r = res.body;
    expect(r.totals).toEqual({ calls: 5, answered: 3, asr: 0.6, acdSeconds: 860, minutes: 43 });
    expect(r.volume).toEqual([
      empty(H(8)),
      { bucket: H(9), calls: 3, answered: 2, asr: 0.6667, acdSeconds: 1200, minutes: 40 },
      { bucket: H(10), calls: 2, answered: 1, asr: 0.5, acdSeconds: 180, minutes: 3 },
      empty(H(11)),
    ]);
    expect(r.hangupCauses).toEqual([
      { cause: 'NORMAL_CLEARING', calls: 3, answered: 3 },
      { cause: 'NO_ANSWER', calls: 1, answered: 0 },
      { cause: 'USER_BUSY', calls: 1, answered: 0 },
    ]);
    expect(r.topCountries).toEqual([
      { country: 'DE', calls: 2, minutes: 40 },
      { country: 'US', calls: 2, minutes: 3 },
    ]);
    expect(r.minutesByUserDay).toEqual([
      { userId: u1, day: H(0), calls: 2, minutes: 40 },
      { userId: u2, day: H(0), calls: 2, minutes: 3 },
    ]);
    // 09:15–09:16 three calls overlap; at 10:06 two.
    expect(r.concurrentPeak).toEqual([
      { hour: H(8), peak: 0 },
      { hour: H(9), peak: 3 },
      { hour: H(10), peak: 2 },
      { hour: H(11), peak: 0 },
    ]);
  });

  it('counts a call that began before the range in its concurrency', async () => {
    const res = await request(t.app).get(`/api/analytics?from=${H(9, 12)}&to=${H(9, 14)}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body.totals.calls).toBe(0);
    expect(res.body.volume).toEqual([empty(H(9))]);
    expect(res.body.concurrentPeak).toEqual([{ hour: H(9), peak: 2 }]);
  });

  it('groups by day on request and refuses a bad range', async () => {
    const res = await request(t.app).get(`/api/analytics?from=${H(0)}&to=${H(23)}&granularity=day`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body.volume).toEqual([{ bucket: H(0), calls: 5, answered: 3, asr: 0.6, acdSeconds: 860, minutes: 43 }]);
    const week = await request(t.app).get(`/api/analytics?from=${H(0)}&to=${new Date(Date.UTC(2026, 10, 27)).toISOString()}&granularity=day`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(week.body.volume.map((v: { calls: number }) => v.calls)).toEqual([5, 0, 0, 0, 0, 0, 0]);
    await request(t.app).get(`/api/analytics?from=${H(12)}&to=${H(8)}`).set('Authorization', `Bearer ${token}`).expect(400);
    await request(t.app).get('/api/analytics?granularity=minute').set('Authorization', `Bearer ${token}`).expect(400);
  });

  it('is for admins only', async () => {
    await createUser(t, { email: 'user@example.com', password: 'a long enough password' });
    const user = (await request(t.app).post('/api/auth/login').send({ email: 'user@example.com', password: 'a long enough password' })).body.accessToken as string;
    await request(t.app).get('/api/analytics').set('Authorization', `Bearer ${user}`).expect(403);
  });
});

// Draining after SIGTERM, in process: readiness says so, new call decisions and
// click-to-call are refused with 503 and Retry-After, and what is already under
// way (call-record posts, directory lookups, reads) is still served.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { captureForm as form, httpCapture } from './support/fixtures.js';

const SWITCH = `Basic ${Buffer.from('freeswitch:switch-http-password-drain').toString('base64')}`;

describe('draining', () => {
  let t: TestApp;
  let token: string;
  let userId: string;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp({ SWITCH_HTTP_PASSWORD: 'switch-http-password-drain', DEFAULT_COUNTRY: 'US', ALLOWED_DESTINATIONS: 'US' });
    const user = await createUser(t, { email: 'drain@example.com' });
    userId = user.id;
    url = (await t.listen()).url;
    token = (await request(t.app).post('/api/auth/login').send({ email: 'drain@example.com', password: 'a long enough password' }).expect(200)).body.accessToken as string;
  });
  afterAll(() => t?.close());

  const dialplan = () =>
    request(t.app)
      .post('/freeswitch/xml')
      .set('Authorization', SWITCH)
      .type('form')
      .send(form('xml-curl-dialplan-internal-user.http', { 'Unique-ID': crypto.randomUUID(), variable_sipcall_user_id: userId, variable_user_name: userId }));

  it('serves decisions and is ready before the drain starts', async () => {
    const res = await dialplan().expect(200);
    expect(res.text).toContain('<section name="dialplan"');
    expect((await request(t.app).get('/readyz')).body.status).toBe('ready');
    expect((await fetch(`${url}/healthz`)).headers.get('connection')).toBe('keep-alive');
  });

  describe('once draining', () => {
    beforeAll(() => t.lifecycle.startDraining());

    it('says "draining" on /readyz with 503, while /healthz stays 200', async () => {
      const ready = await request(t.app).get('/readyz').expect(503);
      expect(ready.body.status).toBe('draining');
      expect(ready.body.checks.database.status).toBe('ok');
      await request(t.app).get('/healthz').expect(200);
    });

    it('asks every client to reconnect (elsewhere): Connection: close on each answer', async () => {
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('connection')).toBe('close');
    });

    it('refuses a new dialplan decision with 503 and Retry-After, counting it', async () => {
      const before = (await t.metrics.switchHttpRejected.get()).values.find((v) => v.labels['reason'] === 'draining')?.value ?? 0;
      const res = await dialplan().expect(503);
      expect(res.headers['retry-after']).toBe('5');
      const after = (await t.metrics.switchHttpRejected.get()).values.find((v) => v.labels['reason'] === 'draining')?.value ?? 0;
      expect(after).toBe(before + 1);
    });

    it('refuses click-to-call with 503 draining and Retry-After, before touching the switch', async () => {
      const res = await request(t.app).post('/api/calls').set('Authorization', `Bearer ${token}`).send({ destination: '+12025550123' }).expect(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.error.code).toBe('draining');
    });

    it('still answers directory lookups (registrations) and reads', async () => {
      const dir = await request(t.app).post('/freeswitch/xml').set('Authorization', SWITCH).type('form').send(form('xml-curl-directory-register.http')).expect(200);
      expect(dir.text).toContain('<document type="freeswitch/xml">');
      await request(t.app).get('/api/calls').set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('still takes in call records, so nothing the switch posts is lost', async () => {
      const c = httpCapture('json-cdr-answered-gateway-aleg.http');
      const path = c.requestLine.split(' ')[1]!.replace(/^\/cdr/, '/freeswitch/cdr');
      await request(t.app).post(path).set('Authorization', SWITCH).set('Content-Type', c.headers['content-type']!).send(c.body.toString('latin1')).expect(200);
      const [row] = await t.db.dataSource.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM cdrs');
      expect(row?.n).toBe(1);
    });
  });
});

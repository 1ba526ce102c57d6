// SIPCall inside other pages: who may frame it (CSP frame-ancestors, no
// X-Frame-Options then), what its session cookie becomes (Strict alone, Lax
// under a sibling of the same site, None + Secure + Partitioned under another
// site), that a cross-site cookie is honoured only from SIPCall's own pages,
// and Talk's External Call Service endpoint.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../src/config/load.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';

const PASSWORD = 'correct horse battery staple';
const TALK_SECRET = 'Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0Df7Kx2Qw9Rt4Lm8Pz3Hn6Jc1Ys5Ua0Gx';

const cookieOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
const frameAncestors = (res: request.Response) => /frame-ancestors ([^;]+)/.exec(String(res.headers['content-security-policy']))?.[1];

describe('framing and cookies', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));
  const start = async (env: Record<string, string>) => {
    const t = await startTestApp(env);
    apps.push(t);
    await createUser(t, { email: 'ann@example.com', password: PASSWORD });
    return t;
  };

  it('nothing configured: framed by itself only, X-Frame-Options kept, SameSite=Strict', async () => {
    const t = await start({});
    const res = await request(t.app).post('/api/auth/login').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
    expect(frameAncestors(res)).toBe("'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(cookieOf(res)).toMatch(/SameSite=Strict/);
    expect(cookieOf(res)).not.toMatch(/Partitioned/);
  });

  it('a Nextcloud on the same site: framed by it, and no one else; SameSite=Lax', async () => {
    const t = await start({ NEXTCLOUD_URL: 'https://cloud.example.org/', PUBLIC_URL: 'https://phone.example.org' });
    const res = await request(t.app).post('/api/auth/login').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
    expect(frameAncestors(res)).toBe("'self' https://cloud.example.org");
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(cookieOf(res)).toMatch(/SameSite=Lax/);
    expect(cookieOf(res)).not.toMatch(/Partitioned/);
    expect((await request(t.app).get('/api/embed').expect(200)).body).toEqual({ parentOrigins: ['https://cloud.example.org'] });
  });

  describe('another site frames it', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await start({ NEXTCLOUD_URL: 'https://cloud.example.net', FRAME_ANCESTORS: 'https://talk.example.com', PUBLIC_URL: 'https://phone.example.org' });
    });

    it('lists both origins and gives a SameSite=None, Secure, Partitioned cookie', async () => {
      const res = await request(t.app).post('/api/auth/login').set('Origin', 'https://phone.example.org').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
      expect(frameAncestors(res)).toBe("'self' https://cloud.example.net https://talk.example.com");
      const cookie = cookieOf(res);
      expect(cookie).toMatch(/SameSite=None/);
      expect(cookie).toMatch(/Secure/);
      expect(cookie).toMatch(/Partitioned/);
    });

    it('refuses sign-in requests from other pages (the cookie rides along with them), and they change nothing', async () => {
      const login = await request(t.app).post('/api/auth/login').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
      const cookie = cookieOf(login).split(';')[0]!;
      for (const origin of ['https://cloud.example.net', 'https://evil.example']) {
        const res = await request(t.app).post('/api/auth/logout').set('Origin', origin).set('Cookie', cookie).send({}).expect(403);
        expect(res.body.error.code).toBe('foreign_origin');
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      // The session is still there: its own page refreshes it.
      await request(t.app).post('/api/auth/refresh').set('Origin', 'https://phone.example.org').set('Cookie', cookie).send({}).expect(200);
    });
  });

  it('refuses a framing origin that is not an origin, and a production deployment without its address', () => {
    const bad = () => loadConfig({ NODE_ENV: 'test', FRAME_ANCESTORS: 'https://cloud.example.org/apps/*', NEXTCLOUD_URL: 'ftp://cloud' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/FRAME_ANCESTORS entry "https:\/\/cloud.example.org\/apps\/\*"/);
    expect(bad).toThrow(/NEXTCLOUD_URL must be/);
    const production = () => loadConfig({ NODE_ENV: 'production', NEXTCLOUD_URL: 'https://cloud.example.net', PUBLIC_URL: 'http://phone.example.org' });
    expect(production).toThrow(/PUBLIC_URL must be https:\/\/ when another site frames the web app/);
  });
});

describe('Talk External Call Service', () => {
  let t: TestApp;
  const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
  beforeAll(async () => {
    t = await startTestApp({ TALK_SHARED_SECRET: TALK_SECRET, PUBLIC_URL: 'https://phone.example.org', NEXTCLOUD_URL: 'https://cloud.example.org' });
  });
  afterAll(() => t?.close());

  it('answers Talk with the frame that dials the conversation’s number, for the user Talk names', async () => {
    const res = await request(t.app)
      .get('/api/embed/talk/+4930123456')
      .set('Authorization', basic('nextcloud', TALK_SECRET))
      .set('x-nextcloud-user-id', 'ann')
      .set('Accept', 'application/json')
      .expect(200);
    const frame = new URL(res.body.iframeUrl);
    expect(frame.origin).toBe('https://phone.example.org');
    expect(Object.fromEntries(frame.searchParams)).toEqual({ embed: 'talk', dial: '+4930123456', ncuser: 'ann' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('opens the phone without dialling for a conversation whose object is not a number', async () => {
    const res = await request(t.app).get('/api/embed/talk/front-desk').set('Authorization', basic('nextcloud', TALK_SECRET)).expect(200);
    expect(new URL(res.body.iframeUrl).searchParams.has('dial')).toBe(false);
  });

  it.each([
    ['no credentials', undefined],
    ['the wrong secret', basic('nextcloud', TALK_SECRET.slice(1))],
    ['the wrong user', basic('admin', TALK_SECRET)],
    ['a malformed header', 'Basic !!!'],
  ])('refuses %s with 401 and a challenge', async (_name, authorization) => {
    const req = request(t.app).get('/api/embed/talk/+4930123456');
    if (authorization) req.set('Authorization', authorization);
    const res = await req.expect(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="SIPCall"/);
    expect(res.body.iframeUrl).toBeUndefined();
  });

  it('refuses a conversation id that is neither a number nor a short name', async () => {
    const res = await request(t.app).get('/api/embed/talk/%3Cscript%3E').set('Authorization', basic('nextcloud', TALK_SECRET)).expect(400);
    expect(res.body.iframeUrl).toBeUndefined();
  });

  it('says Talk is not configured where it is not', async () => {
    const plain = await startTestApp({});
    try {
      await request(plain.app).get('/api/embed/talk/+4930123456').set('Authorization', basic('nextcloud', TALK_SECRET)).expect(404);
    } finally {
      await plain.close();
    }
  });

  it('refuses a short or missing-address Talk secret at start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TALK_SHARED_SECRET: 'short' })).toThrow(/TALK_SHARED_SECRET is too short: at least 64/);
    expect(() => loadConfig({ NODE_ENV: 'test', TALK_SHARED_SECRET: TALK_SECRET })).toThrow(/PUBLIC_URL is required with TALK_SHARED_SECRET/);
  });
});

// Who is registered right now: the switch's core registry, as the test peer
// answers `show registrations as json` in the real switch's shape (one row per
// device, the fields of FreeSWITCH 1.10's registrations table).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { FreeSwitchPeer } from './support/freeswitch-peer.js';
import { until } from './support/until.js';

const PASSWORD = 'a long enough password';

describe('registered devices', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  let admin: string;
  let user: string;
  let aliceId: string;
  let bobId: string;

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    t = await startTestApp({ FREESWITCH_NODES: peer.url, SIP_DOMAIN: '127.0.0.1' });
    await createUser(t, { email: 'root@example.com', role: 'admin', password: PASSWORD });
    aliceId = (await createUser(t, { email: 'alice@example.com', password: PASSWORD })).id;
    bobId = (await createUser(t, { email: 'bob@example.com', password: PASSWORD })).id;
    admin = (await request(t.app).post('/api/auth/login').send({ email: 'root@example.com', password: PASSWORD })).body.accessToken as string;
    user = (await request(t.app).post('/api/auth/login').send({ email: 'alice@example.com', password: PASSWORD })).body.accessToken as string;
    await until(() => t.switching.switches.states()[`127.0.0.1:${peer.port}`], (s) => s === 'ready');
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  it('counts each user’s devices on the switch, and only SIPCall users of its own domain', async () => {
    peer.registered.add(aliceId);
    peer.extraDevices.set(aliceId, 1);
    peer.registered.add(bobId);
    peer.registered.add('1000'); // a static directory user, not a SIPCall user
    const res = await request(t.app).get('/api/registrations').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(res.body).toEqual({ devices: { [aliceId]: 2, [bobId]: 1 }, switches: { [`127.0.0.1:${peer.port}`]: 'ready' } });
    expect(peer.commands).toContain('api show registrations as json');

    peer.realm = 'other.example.com';
    expect((await request(t.app).get('/api/registrations').set('Authorization', `Bearer ${admin}`).expect(200)).body.devices).toEqual({});
    peer.realm = '127.0.0.1';
  });

  it('is for admins only', async () => {
    await request(t.app).get('/api/registrations').set('Authorization', `Bearer ${user}`).expect(403);
    await request(t.app).get('/api/registrations').expect(401);
  });

  it('says which switch it could not ask, rather than counting nobody', async () => {
    peer.refuseConnections(true);
    peer.dropConnections();
    await until(() => t.switching.switches.states()[`127.0.0.1:${peer.port}`], (s) => s !== 'ready');
    const res = await request(t.app).get('/api/registrations').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(res.body.devices).toEqual({});
    expect(res.body.switches[`127.0.0.1:${peer.port}`]).toMatch(/^(reconnecting|connecting|lost)$/);
    peer.refuseConnections(false);
  });
});

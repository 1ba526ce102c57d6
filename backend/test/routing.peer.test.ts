// Routing end to end: the FreeSWITCH test peer asks the backend over HTTP as
// mod_xml_curl does, does what the answer says, and reports it over ESL; the
// backend tracks the calls and gives their cap slots back when they end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { until } from './support/until.js';
import { FreeSwitchPeer } from './support/freeswitch-peer.js';


describe('calls routed by the backend, on the test peer', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  let user: { id: string };
  let url: string;

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    t = await startTestApp({ FREESWITCH_NODES: peer.url, SWITCH_HTTP_PASSWORD: 'peer-http-password-1', USER_MAX_CONCURRENT_CALLS: '2', USER_CALLS_PER_SECOND: '50' });
    url = (await t.listen()).url;
    peer.useXmlCurl({ url: `${url}/freeswitch/xml`, username: 'freeswitch', password: 'peer-http-password-1' });
    user = await createUser(t, { email: 'erin@example.com' });
    await until(() => Object.values(t.switching.switches.states())[0], (s) => s === 'ready');
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  it('bridges an allowed number to the trunk with the decision on the channel, and the call goes live', async () => {
    const r = await peer.dial({ sipUser: user.id, userId: user.id, destination: '030 1234567' });
    expect(r).toMatchObject({ outcome: 'bridged', bridge: 'sofia/gateway/trunk/+49301234567' });
    expect(r.variables).toMatchObject({ sipcall_decision: 'allow', sipcall_reason: 'allowed', sipcall_destination: '+49301234567', sipcall_user_id: user.id });
    const call = await until(() => t.switching.store.get(r.uuid), (c) => c?.state === 'answered');
    expect(call).toMatchObject({ userId: user.id, legs: [r.uuid, expect.any(String)] });
    peer.hangup(r.uuid);
    await until(() => t.switching.store.get(r.uuid), (c) => c === null);
  });

  it('refuses a premium number: the caller hears 403 and nothing reaches the trunk', async () => {
    const before = [...peer.channels.values()].filter((c) => c.name.startsWith('sofia/external/')).length;
    const r = await peer.dial({ sipUser: user.id, userId: user.id, destination: '0900 1234567' });
    expect(r).toMatchObject({ outcome: 'refused', respond: '403 Forbidden', variables: { sipcall_decision: 'refuse', sipcall_reason: 'premium_rate' } });
    expect([...peer.channels.values()].filter((c) => c.name.startsWith('sofia/external/')).length).toBe(before);
  });

  it('gives the cap slot back when a call ends, so the next call goes through', async () => {
    const one = await peer.dial({ sipUser: user.id, userId: user.id, destination: '+4930111111' });
    const two = await peer.dial({ sipUser: user.id, userId: user.id, destination: '+4930222222' });
    expect([one.outcome, two.outcome]).toEqual(['bridged', 'bridged']);
    const three = await peer.dial({ sipUser: user.id, userId: user.id, destination: '+4930333333' });
    expect(three).toMatchObject({ outcome: 'refused', respond: '486 Busy Here' });
    await until(() => t.switching.store.get(one.uuid), (c) => c !== null);
    peer.hangup(one.uuid);
    await until(() => t.switching.slots.count(user.id), (n) => n === 1);
    const four = await peer.dial({ sipUser: user.id, userId: user.id, destination: '+4930444444' });
    expect(four.outcome).toBe('bridged');
    peer.hangup(two.uuid);
    peer.hangup(four.uuid);
  });

  it('falls back to the static refusal when the backend refuses the switch\'s credentials', async () => {
    peer.useXmlCurl({ url: `${url}/freeswitch/xml`, username: 'freeswitch', password: 'wrong' });
    const r = await peer.dial({ sipUser: user.id, userId: user.id, destination: '+4930555555' });
    expect(r.outcome).toBe('fallback');
    peer.useXmlCurl({ url: `${url}/freeswitch/xml`, username: 'freeswitch', password: 'peer-http-password-1' });
  });
});

// /metrics: who may read it, and that the series move when a call goes
// through the test peer, gets routed, ends, and leaves its record.
import request from 'supertest';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCallsCount, parseStatus } from '../src/switch/commands.js';
import { capacityShortfalls, pollSwitchStats } from '../src/switch/switch-stats.js';
import { silentLogger } from './support/logger.js';
import { FrameParser } from '../src/switch/esl/frames.js';
import { createUser, startTestApp, type TestApp } from './support/app.js';
import { capture, httpCapture } from './support/fixtures.js';
import { FreeSwitchPeer } from './support/freeswitch-peer.js';
import { until } from './support/until.js';
import { SUBSCRIBED_EVENTS } from '../src/switch/event-names.js';

/** One sample's value from the exposition text. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)) : false);
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('/metrics', () => {
  let peer: FreeSwitchPeer;
  let t: TestApp;
  let user: { id: string };

  beforeAll(async () => {
    peer = await FreeSwitchPeer.start();
    t = await startTestApp({ FREESWITCH_NODES: peer.url, SWITCH_HTTP_PASSWORD: 'metrics-switch-password', METRICS_TOKEN: 'a-metrics-token-that-is-long-enough', TRUST_PROXY: 'loopback', USER_CALLS_PER_SECOND: '100', GLOBAL_CALLS_PER_SECOND: '1000' });
    const { url } = await t.listen();
    peer.useXmlCurl({ url: `${url}/freeswitch/xml`, username: 'freeswitch', password: 'metrics-switch-password' });
    user = await createUser(t, { email: 'metrics@example.com' });
    await until(() => Object.values(t.switching.switches.states())[0], (s) => s === 'ready');
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  const scrape = () => request(t.app).get('/metrics').expect(200).then((r) => r.text);

  it('answers the allowed addresses and the token, and nobody else', async () => {
    await request(t.app).get('/metrics').expect(200);
    await request(t.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(403);
    await request(t.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').set('Authorization', 'Bearer a-metrics-token-that-is-long-enough').expect(200);
    await request(t.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').set('Authorization', 'Bearer wrong').expect(403);
  });

  it('moves the call, routing, record and HTTP series when a call goes through', async () => {
    const before = await scrape();
    const r = await peer.dial({ sipUser: user.id, userId: user.id, destination: '030 1234567' });
    await until(() => t.switching.store.get(r.uuid), (c) => c?.state === 'answered');
    expect(sample(await scrape(), 'sipcall_live_calls', { direction: 'outbound' })).toBe(sample(before, 'sipcall_live_calls', { direction: 'outbound' }) + 1);
    peer.hangup(r.uuid);
    await until(() => t.switching.store.get(r.uuid), (c) => c === null);
    await peer.dial({ sipUser: user.id, userId: user.id, destination: '0900 1234567' });

    const c = JSON.parse(httpCapture('json-cdr-bridged-sched-hangup-aleg.http').body.toString('utf8')) as { variables: Record<string, string> };
    c.variables['uuid'] = r.uuid;
    await request(t.app).post('/freeswitch/cdr').set('Authorization', `Basic ${Buffer.from('freeswitch:metrics-switch-password').toString('base64')}`).set('Content-Type', 'application/json').send(JSON.stringify(c)).expect(200);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('sipcall_routing_decisions_total', { decision: 'allow', reason: 'allowed' })).toBe(1);
    expect(moved('sipcall_routing_decisions_total', { decision: 'refuse', reason: 'premium_rate' })).toBe(1);
    // both attempts began on the switch; the refused one ended unanswered
    expect(moved('sipcall_calls_started_total', { direction: 'outbound' })).toBe(2);
    expect(moved('sipcall_calls_ended_total', { direction: 'outbound', answered: 'false' })).toBe(1);
    expect(moved('sipcall_calls_ended_total', { direction: 'outbound', cause: 'NORMAL_CLEARING', answered: 'true' })).toBe(1);
    expect(moved('sipcall_call_setup_seconds_count', { direction: 'outbound' })).toBe(1);
    expect(moved('sipcall_cdrs_ingested_total', { result: 'stored' })).toBe(1);
    expect(moved('sipcall_billed_seconds_total', { direction: 'outbound' })).toBe(5);
    expect(moved('sipcall_http_requests_total', { route: '/freeswitch/xml', method: 'POST', status: '200' })).toBe(2);
    expect(sample(after, 'sipcall_switch_node_up', { node: `127.0.0.1:${peer.port}` })).toBe(1);
    expect(sample(after, 'sipcall_esl_events_total', { event: 'CHANNEL_CREATE' })).toBeGreaterThan(0);
  });

  it('labels events only with the names it subscribes to, whatever names the switch sends', async () => {
    const odd = ['CHANNEL_CREATE123', 'X'.repeat(200), 'HEARTBEAT ', '42', 'sofia::register'];
    for (const name of odd) peer.sendOddEvent(name);
    const text = await until(scrape, (t) => sample(t, 'sipcall_esl_events_total', { event: 'other' }) >= odd.length);
    const labels = new Set([...text.matchAll(/^sipcall_esl_events_total\{[^}]*event="([^"]*)"/gm)].map((m) => m[1]!));
    expect([...labels].filter((l) => l !== 'other' && !(SUBSCRIBED_EVENTS as readonly string[]).includes(l))).toEqual([]);
  });

  it('keeps labels bounded: no uuid, number or user id in any series', async () => {
    const text = await scrape();
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).not.toMatch(/\+49|301234567/);
  });

  it('polls each ready switch for its own sessions and calls, and the gauges follow a live call', async () => {
    const node = `127.0.0.1:${peer.port}`;
    const stop = pollSwitchStats(t.switching.switches, t.metrics, silentLogger, { maxConcurrentCalls: 100, callsPerSecond: 10 }, 20);
    try {
      const r = await peer.dial({ sipUser: user.id, userId: user.id, destination: '030 7654321' });
      await until(() => t.switching.store.get(r.uuid), (c) => c?.state === 'answered');
      // A poll that began while only the first leg was up may land after the answer: wait for one that saw both.
      const during = await until(scrape, (text) => sample(text, 'sipcall_freeswitch_calls', { node }) === 1 && sample(text, 'sipcall_freeswitch_sessions', { node }) === 2);
      expect(sample(during, 'sipcall_freeswitch_max_sessions', { node })).toBe(1000);
      peer.hangup(r.uuid);
      await until(scrape, (text) => sample(text, 'sipcall_freeswitch_sessions', { node }) === 0 && sample(text, 'sipcall_freeswitch_calls', { node }) === 0);
    } finally {
      stop();
    }
  });

  it("names a switch whose limits sit below SIPCall's caps, once, and says when they no longer do", () => {
    const status = { sessions: 0, peak: 0, perSecond: 0, maxPerSecond: 30, maxSessions: 1000 };
    const caps = { maxConcurrentCalls: 100, callsPerSecond: 10 };
    expect(capacityShortfalls(status, caps, { start: 16384, end: 17284 })).toEqual([]);
    // The switch as it once shipped: 100 RTP ports are 25 calls, 30 sessions a second 15 calls.
    expect(capacityShortfalls(status, { maxConcurrentCalls: 100, callsPerSecond: 20 }, { start: 16384, end: 16484 })).toEqual([
      'sessions-per-second 30 < 40 (two legs for each of GLOBAL_CALLS_PER_SECOND=20)',
      'RTP ports 16384-16484 < 400 (four for each of GLOBAL_MAX_CONCURRENT_CALLS=100)',
    ]);
    expect(capacityShortfalls(status, { maxConcurrentCalls: 600, callsPerSecond: 10 }, null)).toEqual(['max-sessions 1000 < 1200 (two legs for each of GLOBAL_MAX_CONCURRENT_CALLS=600)']);
  });

  it('warns once while a switch is too small for the caps', async () => {
    const small = await FreeSwitchPeer.start({ limits: { maxSessions: 1000, sessionsPerSecond: 30, globals: { sipcall_rtp_start: '16384', sipcall_rtp_end: '16484' } } });
    const app = await startTestApp({ FREESWITCH_NODES: small.url });
    const lines: Array<{ msg: string; short?: string }> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l) as { msg: string; short?: string }) });
    try {
      await until(() => app.switching.switches.states()[`127.0.0.1:${small.port}`], (s) => s === 'ready');
      const stop = pollSwitchStats(app.switching.switches, app.metrics, log, { maxConcurrentCalls: 100, callsPerSecond: 10 }, 20);
      await until(() => small.commands.filter((c) => c === 'api status').length, (n) => n >= 3);
      stop();
      const warnings = lines.filter((l) => l.msg.startsWith('the switch would refuse calls'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.short).toBe('RTP ports 16384-16484 < 400 (four for each of GLOBAL_MAX_CONCURRENT_CALLS=100)');
    } finally {
      await app.close();
      await small.stop();
    }
  });

  it('reads the switch\'s own status and call count as the real switch writes them', () => {
    const frames = new FrameParser().push(capture('api-status.raw'));
    const status = frames.find((f) => f.contentType === 'api/response')!.body!.toString();
    expect(parseStatus(status)).toEqual({ sessions: 0, peak: 0, perSecond: 0, maxPerSecond: 30, maxSessions: 1000 });
    const misc = new FrameParser().push(capture('api-misc.raw')).filter((f) => f.contentType === 'api/response').map((f) => f.body!.toString());
    expect(parseCallsCount(misc.find((b) => b.includes('total.'))!)).toBe(0);
  });
});

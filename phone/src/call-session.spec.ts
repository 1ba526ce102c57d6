import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeCall } from './fake-phone';
import type { CallQuality } from './call-quality';
import { CallSession, Consultation, type CallView, type ConsultationView } from './call-session';

/** A session over a scripted call, with everything it reports kept in order. */
function session(direction: 'outgoing' | 'incoming' = 'outgoing') {
  const sip = new FakeCall(direction, '+49301234567', direction === 'incoming' ? 'Bob' : null);
  const views: CallView[] = [];
  const streams: Array<MediaStream | null> = [];
  const qualities: CallQuality[] = [];
  let clock = 1_000;
  const s = new CallSession(sip, { changed: (v) => views.push(v), remoteStream: (m) => streams.push(m), quality: (q) => qualities.push(q) }, () => clock);
  const tick = (ms: number) => (clock += ms);
  return { s, sip, views, streams, qualities, tick };
}

describe('CallSession', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('follows an outgoing call through ringing, early media, connected, hold both ways and the end', () => {
    const { s, sip, views, tick } = session();
    expect(s.view).toMatchObject({ direction: 'outgoing', remote: '+49301234567', state: 'calling', startedAt: 1_000, connectedAt: null });
    sip.ring();
    expect(s.state).toBe('ringing');
    sip.ring(true);
    expect(s.state).toBe('early');
    tick(4_000);
    sip.connect();
    expect(s.view).toMatchObject({ state: 'connected', connectedAt: 5_000 });
    s.toggleHold();
    expect(sip.actions).toEqual(['hold:true']);
    sip.held(true, 'local');
    expect(s.view).toMatchObject({ state: 'held', heldLocal: true });
    sip.held(true, 'remote');
    sip.held(false, 'local');
    expect(s.view).toMatchObject({ state: 'held', heldLocal: false, heldRemote: true });
    sip.held(false, 'remote');
    expect(s.state).toBe('connected');
    s.toggleMute();
    expect(s.view.muted).toBe(true);
    tick(60_000);
    sip.end({ by: 'remote', cause: 'BYE' });
    expect(s.view).toMatchObject({ state: 'ended', endedAt: 65_000, outcome: 'completed' });
    expect(views.map((v) => v.state)).toEqual(['ringing', 'early', 'connected', 'held', 'held', 'held', 'connected', 'connected', 'ended']);
    expect(views.every((v, i) => i === 0 || v !== views[i - 1])).toBe(true); // a new view at every change
  });

  it.each([
    [{ status: 403, reason: 'premium_rate' }, 'refused.premium_rate'],
    [{ status: 486, reason: 'user_cap' }, 'refused.user_cap'],
    [{ status: 486, reason: null }, 'busy'],
    [{ status: 404, reason: null }, 'not_found'],
    [{ status: 480, reason: null }, 'unavailable'],
    [{ status: 503, reason: null }, 'unavailable'],
    [{ status: 408, reason: null }, 'no_answer'],
    [{ status: null, reason: null, cause: 'User Denied Media Access', by: 'local' as const }, 'no_microphone'],
    [{ status: 403, reason: '<script>' }, 'forbidden'],
  ])('names why a call that never connected ended: %o', (end, outcome) => {
    const { s, sip } = session();
    sip.end(end);
    expect(s.view.outcome).toBe(outcome);
  });

  it('keeps an incoming call ringing through our own 180, and answers or declines it only while it rings', () => {
    const { s, sip } = session('incoming');
    expect(s.view).toMatchObject({ direction: 'incoming', remoteName: 'Bob', state: 'incoming' });
    sip.ring();
    expect(s.state).toBe('incoming');
    s.answer({ deviceId: 'mic-2' });
    sip.connect();
    s.answer(true);
    s.reject();
    expect(sip.actions).toEqual(['answer']);
    expect(s.state).toBe('connected');
  });

  it('allows each control only in the states where it means something', () => {
    const { s, sip } = session();
    s.toggleHold();
    s.transfer('+4930999');
    s.dtmf('1', 'rfc2833'); // calling: no media yet
    sip.ring(true);
    s.dtmf('2', 'info'); // early media reaches an IVR
    s.transfer('+4930999');
    sip.connect();
    s.dtmf('3', 'rfc2833');
    s.transfer('+4930999');
    sip.end();
    s.dtmf('4', 'rfc2833');
    s.toggleHold();
    s.toggleMute();
    s.hangup();
    expect(sip.actions).toEqual(['dtmf:2:info', 'dtmf:3:rfc2833', 'transfer:+4930999']);
  });

  it('says nothing more once ended: late events change nothing', () => {
    const { s, sip, views, streams } = session();
    sip.connect();
    sip.end();
    const seen = views.length;
    sip.connect();
    sip.held(true, 'remote');
    sip.ring();
    sip.listener?.remoteStream({} as MediaStream);
    sip.end({ status: 486 });
    expect(views).toHaveLength(seen);
    expect(streams).toEqual([null]);
    expect(s.view.outcome).toBe('completed');
  });

  it('reads call quality from WebRTC stats every two seconds while connected, and stops at the end', async () => {
    const { sip, qualities } = session();
    sip.connect();
    sip.statsReport = [
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 0, jitter: 0.004 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.05 },
    ];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(qualities.at(-1)).toMatchObject({ rttMs: 50, jitterMs: 4, lossPct: 0, packetsReceived: 100, warnings: [] });
    sip.statsReport = [
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 190, packetsLost: 10, jitter: 0.045 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.42 },
    ];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(qualities.at(-1)).toMatchObject({ rttMs: 420, jitterMs: 45, lossPct: 10, warnings: ['rtt', 'jitter', 'loss'] });
    sip.end();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(qualities).toHaveLength(2);
  });
});

/** A connected call with the caller, and a consultation to the target placed beside it. */
function consultation() {
  const callerSip = new FakeCall('incoming', '1002', 'Bob');
  const targetSip = new FakeCall('outgoing', '1003');
  const views: ConsultationView[] = [];
  const transferred: Array<{ accepted: boolean }> = [];
  let c: Consultation | null = null;
  const events = (name: string) => ({
    changed: () => c?.observe(),
    remoteStream: () => undefined,
    quality: () => undefined,
    transferred: (r: { accepted: boolean }) => {
      transferred.push(r);
      if (name === 'caller') c?.answered({ accepted: r.accepted, status: null });
    },
  });
  const caller = new CallSession(callerSip, events('caller'));
  callerSip.connect();
  const target = new CallSession(targetSip, events('target'));
  c = new Consultation(caller, target, { changed: (v) => views.push(v) });
  return { c, caller, target, callerSip, targetSip, views, transferred };
}

describe('Consultation (attended transfer)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds the caller while the target is called, and completes with a REFER with Replaces once both talk', () => {
    const { c, caller, callerSip, targetSip, views } = consultation();
    expect(callerSip.actions).toEqual(['hold:true']);
    callerSip.held(true, 'local');
    expect(caller.state).toBe('held');
    expect(c.view.phase).toBe('consulting');
    expect(c.canComplete).toBe(false); // the target has not answered
    c.complete();
    expect(callerSip.actions).toEqual(['hold:true']);
    targetSip.ring();
    targetSip.connect();
    expect(c.canComplete).toBe(true);
    c.complete();
    expect(c.view.phase).toBe('completing');
    expect(caller.view.transferring).toBe(true);
    expect(callerSip.actions).toEqual(['hold:true', 'transfer-replacing:1003']);
    c.complete(); // once only
    callerSip.transferAnswered(true);
    expect(c.view).toMatchObject({ phase: 'finished', note: 'completed' });
    // both of the user's calls end
    expect(callerSip.actions.at(-1)).toBe('hangup');
    expect(targetSip.actions).toEqual(['hangup']);
    expect(views.map((v) => v.phase)).toEqual(['completing', 'finished']);
  });

  it('counts the switch ending both legs before it reports the transfer as completed', () => {
    const { c, callerSip, targetSip } = consultation();
    callerSip.held(true, 'local');
    targetSip.connect();
    c.complete();
    callerSip.end({ by: 'remote', cause: 'BYE' });
    expect(c.view.phase).toBe('completing');
    targetSip.end({ by: 'remote', cause: 'BYE' });
    expect(c.view).toMatchObject({ phase: 'finished', note: 'completed' });
  });

  it('returns to the caller on request: the target call ends and the caller is resumed', () => {
    const { c, callerSip, targetSip } = consultation();
    callerSip.held(true, 'local');
    targetSip.connect();
    c.returnToCaller();
    expect(c.view).toMatchObject({ phase: 'finished', note: 'returned' });
    expect(targetSip.actions).toEqual(['hangup']);
    expect(callerSip.actions).toEqual(['hold:true', 'hold:false']);
    c.complete();
    expect(callerSip.actions).toEqual(['hold:true', 'hold:false']);
  });

  it.each([
    [486, 'busy'],
    [408, 'no_answer'],
    [480, 'unavailable'],
  ] as const)('goes back to the held caller, saying why, when the target answers %i', (status, outcome) => {
    const { c, callerSip, targetSip } = consultation();
    callerSip.held(true, 'local');
    targetSip.ring();
    targetSip.end({ status, cause: 'Busy' });
    expect(c.view).toEqual({ phase: 'finished', note: 'target_unreachable', targetOutcome: outcome });
    expect(callerSip.actions).toEqual(['hold:true', 'hold:false']);
  });

  it('goes back to the held caller when the target hangs up after talking', () => {
    const { c, callerSip, targetSip } = consultation();
    callerSip.held(true, 'local');
    targetSip.connect();
    targetSip.end({ by: 'remote', cause: 'BYE' });
    expect(c.view).toMatchObject({ phase: 'finished', note: 'target_left' });
    expect(callerSip.actions).toEqual(['hold:true', 'hold:false']);
  });

  it('lets the call with the target go on when the held caller hangs up', () => {
    const { c, callerSip, targetSip, target } = consultation();
    callerSip.held(true, 'local');
    targetSip.connect();
    callerSip.end({ by: 'remote', cause: 'BYE' });
    expect(c.view).toMatchObject({ phase: 'finished', note: 'caller_left' });
    expect(target.state).toBe('connected');
    expect(targetSip.actions).toEqual([]);
  });

  it('keeps both calls when the transfer is refused, and may try again', () => {
    const { c, caller, callerSip, targetSip, target } = consultation();
    callerSip.held(true, 'local');
    targetSip.connect();
    c.complete();
    callerSip.transferAnswered(false, 603);
    expect(c.view).toMatchObject({ phase: 'consulting', note: 'refused' });
    expect(caller.view.transferring).toBe(false);
    expect(caller.state).toBe('held');
    expect(target.state).toBe('connected');
    expect(targetSip.actions).toEqual([]);
    c.complete();
    expect(c.view).toMatchObject({ phase: 'completing', note: null });
    expect(callerSip.actions.filter((a) => a.startsWith('transfer'))).toHaveLength(2);
  });

  it('goes back to the caller when the transfer is refused because the target has gone', () => {
    const { c, callerSip, targetSip } = consultation();
    callerSip.held(true, 'local');
    targetSip.connect();
    c.complete();
    targetSip.end({ by: 'remote', cause: 'BYE' });
    expect(c.view.phase).toBe('completing');
    callerSip.transferAnswered(false, 481);
    expect(c.view).toMatchObject({ phase: 'finished', note: 'target_left' });
    expect(callerSip.actions.at(-1)).toBe('hold:false');
  });

  it('ignores a transfer answer nobody asked for', () => {
    const { c, callerSip, caller } = consultation();
    callerSip.transferAnswered(true);
    expect(c.view.phase).toBe('consulting');
    expect(caller.ended).toBe(false);
  });
});

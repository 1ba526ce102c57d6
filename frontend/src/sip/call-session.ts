// One call, from its first moment to its end, as a plain state machine over a
// SipCall: the state it is in and how it got there, what may be done in each
// state, why it ended, and its quality while it is connected. Nothing here
// knows Vue or Pinia; the phone store keeps one session at a time.
import { outcomeOf, type Outcome } from './call-outcome';
import { readQuality, type CallQuality } from './call-quality';
import type { CallEnd, DtmfMethod, SipCall } from './phone';

export type CallState = 'incoming' | 'calling' | 'ringing' | 'early' | 'connected' | 'held' | 'ended';

/** What the call looks like now; a new object at every change. */
export interface CallView {
  direction: 'outgoing' | 'incoming';
  remote: string;
  remoteName: string | null;
  state: CallState;
  startedAt: number;
  connectedAt: number | null;
  endedAt: number | null;
  muted: boolean;
  /** Held by us (we sent hold) and/or by them. */
  heldLocal: boolean;
  heldRemote: boolean;
  outcome: Outcome | null;
}

export interface CallSessionEvents {
  changed(view: CallView): void;
  /** The other party's audio, or null once the call ended. */
  remoteStream(stream: MediaStream | null): void;
  quality(quality: CallQuality): void;
}

const STATS_EVERY_MS = 2000;

/** States in which the call has media both ways: it can be held, resumed and transferred. */
const TALKING: readonly CallState[] = ['connected', 'held'];
/** States in which tones reach the far end (early media carries them to an IVR). */
const TONES: readonly CallState[] = ['connected', 'early'];
/** What an outgoing call's provisional answers may move it from. */
const PROGRESS: readonly CallState[] = ['calling', 'ringing', 'early'];

export class CallSession {
  private current: CallView;
  private statsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sip: SipCall,
    private readonly events: CallSessionEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.current = {
      direction: sip.direction,
      remote: sip.remote,
      remoteName: sip.remoteName,
      state: sip.direction === 'incoming' ? 'incoming' : 'calling',
      startedAt: now(),
      connectedAt: null,
      endedAt: null,
      muted: false,
      heldLocal: false,
      heldRemote: false,
      outcome: null,
    };
    sip.listen({
      // An incoming call stays `incoming` while we send our own 180 Ringing.
      progress: (early) => {
        if (PROGRESS.includes(this.state)) this.update({ state: early ? 'early' : 'ringing' });
      },
      connected: () => {
        if (this.ended) return;
        this.update({ state: 'connected', connectedAt: this.now() });
        this.watchQuality();
      },
      hold: (held, by) => {
        if (!TALKING.includes(this.state)) return;
        const heldLocal = by === 'local' ? held : this.current.heldLocal;
        const heldRemote = by === 'remote' ? held : this.current.heldRemote;
        this.update({ heldLocal, heldRemote, state: heldLocal || heldRemote ? 'held' : 'connected' });
      },
      remoteStream: (stream) => {
        if (!this.ended) this.events.remoteStream(stream);
      },
      ended: (end) => this.finish(end),
    });
  }

  get view(): CallView {
    return this.current;
  }

  get state(): CallState {
    return this.current.state;
  }

  get ended(): boolean {
    return this.current.state === 'ended';
  }

  answer(audio: MediaTrackConstraints | boolean): void {
    if (this.state === 'incoming') this.sip.answer(audio);
  }

  /** Declines an incoming call that was not answered. */
  reject(): void {
    if (this.state === 'incoming') this.sip.reject(false);
  }

  hangup(): void {
    if (!this.ended) this.sip.hangup();
  }

  toggleMute(): void {
    if (this.ended) return;
    const muted = !this.current.muted;
    this.sip.mute(muted);
    this.update({ muted });
  }

  /** Asks to hold or resume; the state follows when the other side agrees. */
  toggleHold(): void {
    if (TALKING.includes(this.state)) this.sip.hold(!this.current.heldLocal);
  }

  dtmf(tone: string, method: DtmfMethod): void {
    if (TONES.includes(this.state)) this.sip.dtmf(tone, method);
  }

  transfer(target: string): void {
    if (TALKING.includes(this.state)) this.sip.transfer(target);
  }

  async useMicrophone(track: MediaStreamTrack): Promise<void> {
    if (!this.ended) await this.sip.useMicrophone(track);
  }

  private update(patch: Partial<CallView>): void {
    this.current = { ...this.current, ...patch };
    this.events.changed(this.current);
  }

  private finish(end: CallEnd): void {
    if (this.ended) return;
    clearInterval(this.statsTimer);
    this.events.remoteStream(null);
    this.update({ state: 'ended', endedAt: this.now(), outcome: outcomeOf(end, this.current.connectedAt !== null) });
  }

  /** Samples WebRTC stats while the call lasts; loss is counted over each interval. */
  private watchQuality(): void {
    clearInterval(this.statsTimer);
    let counters: Parameters<typeof readQuality>[1] = null;
    this.statsTimer = setInterval(() => {
      void this.sip.stats().then((report) => {
        if (!report || this.ended) return;
        const sample = readQuality(report.values() as Iterable<Record<string, unknown>>, counters);
        counters = sample.counters;
        this.events.quality(sample.quality);
      });
    }, STATS_EVERY_MS);
  }
}

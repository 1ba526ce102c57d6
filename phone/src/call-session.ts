// One call, from its first moment to its end, as a plain state machine over a
// SipCall: the state it is in and how it got there, what may be done in each
// state, why it ended, and its quality while it is connected; and an attended
// transfer, a machine over two of them (the caller on hold, the consultation).
// Nothing here knows Vue or Pinia; the phone store keeps them.
import { outcomeOf, type Outcome } from './call-outcome';
import { readQuality, type CallQuality } from './call-quality';
import type { CallEnd, DtmfMethod, SipCall, TransferResult } from './phone';

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
  /** A transfer was asked for and its answer has not come yet. */
  transferring: boolean;
  outcome: Outcome | null;
}

export interface CallSessionEvents {
  changed(view: CallView): void;
  /** The other party's audio, or null once the call ended. */
  remoteStream(stream: MediaStream | null): void;
  quality(quality: CallQuality): void;
  /** The answer to a transfer this call asked for. */
  transferred?(result: TransferResult): void;
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
      transferring: false,
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
      transfer: (result) => {
        if (!this.current.transferring) return;
        this.update({ transferring: false });
        this.events.transferred?.(result);
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
    if (!TALKING.includes(this.state) || this.current.transferring) return;
    this.update({ transferring: true });
    this.sip.transfer(target);
  }

  /** Attended transfer: our other party takes our place in `consultation` (which must be talking too). */
  transferReplacing(consultation: CallSession): void {
    if (!TALKING.includes(this.state) || !TALKING.includes(consultation.state) || this.current.transferring) return;
    this.update({ transferring: true });
    this.sip.transferReplacing(consultation.sip);
  }

  /** Holds or resumes by wish rather than by toggle (a no-op when already so). */
  setHold(on: boolean): void {
    if (TALKING.includes(this.state) && this.current.heldLocal !== on) this.sip.hold(on);
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

/** Where an attended transfer stands: talking to the target, waiting for the switch to connect the two, or over. */
export type ConsultationPhase = 'consulting' | 'completing' | 'finished';

/** What happened in an attended transfer, for the sentence the user reads. */
export type ConsultationNote =
  /** The caller and the target are connected; both of our calls end. */
  | 'completed'
  /** The user went back to the caller. */
  | 'returned'
  /** The call to the target did not connect (busy, no answer, …): back to the caller. */
  | 'target_unreachable'
  /** The target hung up: back to the caller. */
  | 'target_left'
  /** The caller on hold hung up: the call with the target goes on as a call of its own. */
  | 'caller_left'
  /** The transfer was refused: both calls stay as they were. */
  | 'refused';

export interface ConsultationView {
  phase: ConsultationPhase;
  note: ConsultationNote | null;
  /** Why the call to the target did not connect, with `target_unreachable`. */
  targetOutcome: Outcome | null;
}

/**
 * "Talk first": the caller is put on hold while a second call (placed by the
 * phone store, through the normal dialing path) reaches the target; then the
 * user completes the transfer (a REFER with Replaces on the caller's call) or
 * returns to the caller. The phone store tells it about every change of
 * either call (`observe`) and about the caller call's transfer answer.
 */
export class Consultation {
  private current: ConsultationView = { phase: 'consulting', note: null, targetOutcome: null };

  constructor(
    readonly caller: CallSession,
    readonly target: CallSession,
    private readonly events: { changed(view: ConsultationView): void },
  ) {
    caller.setHold(true);
  }

  get view(): ConsultationView {
    return this.current;
  }

  get finished(): boolean {
    return this.current.phase === 'finished';
  }

  /** Whether "Complete transfer" means something now: both calls talking, no transfer under way. */
  get canComplete(): boolean {
    return this.current.phase === 'consulting' && TALKING.includes(this.caller.state) && TALKING.includes(this.target.state);
  }

  complete(): void {
    if (!this.canComplete) return;
    this.update({ phase: 'completing', note: null });
    this.caller.transferReplacing(this.target);
  }

  /** Ends the call to the target and resumes the caller. */
  returnToCaller(): void {
    if (this.current.phase !== 'consulting') return;
    this.finish('returned');
    this.target.hangup();
    this.caller.setHold(false);
  }

  /** Either call changed. */
  observe(): void {
    if (this.finished) return;
    const { caller, target } = this;
    if (caller.ended && target.ended) {
      this.finish(this.current.phase === 'completing' ? 'completed' : 'caller_left');
    } else if (caller.ended) {
      // During `completing` the switch may end the caller's leg before it reports the transfer:
      // wait for its answer (or for the target's leg to end too).
      if (this.current.phase === 'consulting') this.finish('caller_left');
    } else if (target.ended && this.current.phase === 'consulting') {
      this.backToCaller();
    }
  }

  /** The caller call's answer to the REFER. */
  answered(result: TransferResult): void {
    if (this.current.phase !== 'completing') return;
    if (result.accepted) {
      this.finish('completed');
      // The switch ends both of our legs itself; ending what is left makes sure nothing lingers.
      this.caller.hangup();
      this.target.hangup();
    } else if (this.target.ended) {
      this.backToCaller();
    } else if (this.caller.ended) {
      this.finish('caller_left');
    } else {
      this.update({ phase: 'consulting', note: 'refused' });
    }
  }

  private backToCaller(): void {
    const t = this.target.view;
    this.finish(t.connectedAt === null ? 'target_unreachable' : 'target_left', t.connectedAt === null ? t.outcome : null);
    this.caller.setHold(false);
  }

  private finish(note: ConsultationNote, targetOutcome: Outcome | null = null): void {
    this.update({ phase: 'finished', note, targetOutcome });
  }

  private update(patch: Partial<ConsultationView>): void {
    this.current = { ...this.current, ...patch };
    this.events.changed(this.current);
  }
}

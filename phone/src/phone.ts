// What the app needs from a SIP phone, independent of the SIP library: the
// store drives this interface, JsSIP implements it (jssip-phone.ts), and tests
// use a scripted one.

export type RegistrationState = 'offline' | 'connecting' | 'registered' | 'reconnecting' | 'failed';

export interface PhoneConfig {
  username: string;
  password: string;
  domain: string;
  wssUrl: string;
  iceServers: RTCIceServer[];
  displayName: string;
}

/** The SIP WebSocket dropped or could not be opened, and when the next attempt starts at the latest. */
export interface ConnectionLoss {
  /** The WebSocket's close code (1006: it never opened, or closed without a word). */
  code: number | null;
  reason: string | null;
  /** Epoch ms by which the phone tries again. */
  retryBy: number;
}

export interface PhoneEvents {
  /** `detail` says why for `failed` (a SIP cause such as "Authentication Error"). */
  registration(state: RegistrationState, detail?: string): void;
  /** The WebSocket was lost (and is retried), or null once it is open again. */
  connection(loss: ConnectionLoss | null): void;
  incoming(call: SipCall): void;
}

/** How a call ended: who ended it, the SIP library's cause, the final SIP status and SIPCall's refusal reason when the switch gave one. */
export interface CallEnd {
  by: 'local' | 'remote' | 'system';
  cause: string;
  status: number | null;
  reason: string | null;
}

export interface CallEvents {
  /** A provisional answer: ringing, or early media when the far end already sends audio. */
  progress(early: boolean): void;
  connected(): void;
  hold(held: boolean, by: 'local' | 'remote'): void;
  remoteStream(stream: MediaStream): void;
  /**
   * What became of a transfer this call asked for: accepted once the other side reports the
   * transferred call up (a NOTIFY with 200), refused when it declined the REFER or the new call failed.
   */
  transfer(result: TransferResult): void;
  ended(end: CallEnd): void;
}

export interface TransferResult {
  accepted: boolean;
  /** The SIP status the refusal carried (the REFER's answer, or the status in the NOTIFY), when there was one. */
  status: number | null;
}

export type DtmfMethod = 'rfc2833' | 'info';

export interface SipCall {
  readonly direction: 'outgoing' | 'incoming';
  /** The other party: a number or extension, else their SIP URI. */
  readonly remote: string;
  readonly remoteName: string | null;
  listen(events: CallEvents): void;
  answer(audio: MediaTrackConstraints | boolean): void;
  hangup(): void;
  /** Refuse an incoming call that was not answered: busy (486) or declined (603). */
  reject(busy: boolean): void;
  hold(on: boolean): void;
  mute(on: boolean): void;
  dtmf(tone: string, method: DtmfMethod): void;
  /** Blind transfer of the other party to `target` (SIP REFER); this call then ends. */
  transfer(target: string): void;
  /**
   * Attended transfer: asks the other party of this call to take the place of this phone in
   * `consultation` (a REFER with Replaces naming that dialog), connecting the two other parties.
   * `consultation` must be a call of the same phone.
   */
  transferReplacing(consultation: SipCall): void;
  /** Send audio from another microphone without renegotiating. */
  useMicrophone(track: MediaStreamTrack): Promise<void>;
  stats(): Promise<RTCStatsReport | null>;
}

export interface SipPhone {
  start(): void;
  call(target: string, audio: MediaTrackConstraints | boolean): SipCall;
  setPassword(password: string): void;
  /** Unregister and close the connection. */
  stop(): Promise<void>;
}

export type PhoneFactory = (config: PhoneConfig, events: PhoneEvents) => SipPhone;

/** The SIP URI for a number or extension typed on the dialpad. */
export function targetUri(number: string, domain: string): string {
  return `sip:${number.replace(/[^0-9+*#]/g, '')}@${domain}`;
}

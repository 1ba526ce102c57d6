// The phone over JsSIP: registers over WebSocket with the session's SIP
// credentials, reconnects by itself after a drop (JsSIP retries with backoff
// and re-registers), and adapts JsSIP's sessions to SipCall.
import * as JsSIP from 'jssip';
import type { DTMFOptions, IncomingEvent, OutgoingEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { RTCSessionEvent } from 'jssip/lib/UA';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import type { CallEnd, CallEvents, DtmfMethod, PhoneConfig, PhoneEvents, PhoneFactory, SipCall, TransferResult } from './phone';
import { targetUri } from './phone';

const REASON_HEADER = 'X-SIPCall-Reason';
const REGISTER_EXPIRES_S = 300;
/** JsSIP's reconnect backoff, in whole seconds. */
const RECOVERY_MIN_S = 2;
const RECOVERY_MAX_S = 30;

/** The JsSIP session behind each call this module made, for a transfer that names another call's dialog. */
const sessions = new WeakMap<SipCall, RTCSession>();

/** The few events of JsSIP's REFER subscription a transfer needs (its typings do not name them). */
interface ReferWatch {
  on(event: 'requestFailed', f: (e: { response: { status_code?: number } | null }) => void): void;
  on(event: 'accepted', f: () => void): void;
  on(event: 'failed', f: (e: { status_line?: { status_code?: number | string } }) => void): void;
}

export const createJsSipPhone: PhoneFactory = (config: PhoneConfig, events: PhoneEvents) => {
  const socket = new JsSIP.WebSocketInterface(config.wssUrl);
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri: `sip:${config.username}@${config.domain}`,
    password: config.password,
    display_name: config.displayName,
    register: true,
    register_expires: REGISTER_EXPIRES_S,
    session_timers: false,
    connection_recovery_min_interval: RECOVERY_MIN_S,
    connection_recovery_max_interval: RECOVERY_MAX_S,
    user_agent: 'SIPCall web',
  });
  let stopping = false;
  let everConnected = false;
  /** Failed attempts since the socket was last open, as JsSIP counts them. */
  let attempts = 0;

  ua.on('connecting', (e) => {
    attempts = e.attempts;
    events.registration(everConnected ? 'reconnecting' : 'connecting');
  });
  ua.on('connected', () => {
    everConnected = true;
    attempts = 0;
    events.connection(null);
  });
  ua.on('disconnected', (e) => {
    if (stopping) return;
    events.registration('reconnecting');
    // JsSIP waits a random whole number of seconds, at most 2^attempt within its
    // interval, and does not say which: the latest the next attempt starts is what we can say.
    const waitS = Math.min(RECOVERY_MAX_S, Math.max(RECOVERY_MIN_S, 2 ** (attempts + 1)));
    events.connection({ code: typeof e.code === 'number' ? e.code : null, reason: e.reason || null, retryBy: Date.now() + waitS * 1000 });
  });
  ua.on('registered', () => events.registration('registered'));
  ua.on('unregistered', () => {
    if (!stopping) events.registration('connecting');
  });
  ua.on('registrationFailed', (e) => events.registration('failed', e.cause ?? 'unknown'));
  ua.on('newRTCSession', (e: RTCSessionEvent) => {
    if ((e.originator as string) === 'remote') events.incoming(wrap(e.session, 'incoming', config));
  });

  return {
    start: () => ua.start(),
    call(target, audio) {
      const session = ua.call(targetUri(target, config.domain), {
        mediaConstraints: { audio, video: false },
        pcConfig: { iceServers: config.iceServers },
        rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
      });
      return wrap(session, 'outgoing', config);
    },
    setPassword(password) {
      ua.set('password', password);
    },
    stop() {
      stopping = true;
      return new Promise<void>((resolve) => {
        if (!ua.isRegistered()) {
          ua.stop();
          resolve();
          return;
        }
        const done = () => resolve();
        ua.once('unregistered', done);
        ua.once('registrationFailed', done);
        ua.stop(); // unregisters, ends calls, then closes the socket
        setTimeout(done, 2000);
      }).finally(() => events.registration('offline'));
    },
  };
};

function wrap(session: RTCSession, direction: 'outgoing' | 'incoming', config: PhoneConfig): SipCall {
  let listener: CallEvents | null = null;
  const pending: ((l: CallEvents) => void)[] = [];
  const emit = (f: (l: CallEvents) => void) => (listener ? f(listener) : pending.push(f));
  let delivered: MediaStream | null = null;

  const watchPeer = (pc: RTCPeerConnection) => {
    pc.addEventListener('track', (ev) => {
      const stream = ev.streams[0] ?? new MediaStream([ev.track]);
      if (stream !== delivered) {
        delivered = stream;
        emit((l) => l.remoteStream(stream));
      }
    });
  };
  if (session.connection) watchPeer(session.connection);
  else session.on('peerconnection', (e) => watchPeer(e.peerconnection as unknown as RTCPeerConnection));

  session.on('progress', (e: IncomingEvent | OutgoingEvent) => {
    const response = 'response' in e ? e.response : undefined;
    emit((l) => l.progress(response?.status_code === 183 && Boolean(response.body)));
  });
  session.on('confirmed', () => emit((l) => l.connected()));
  const side = (originator: string) => (originator === 'local' ? 'local' : 'remote');
  session.on('hold', (e) => emit((l) => l.hold(true, side(e.originator))));
  session.on('unhold', (e) => emit((l) => l.hold(false, side(e.originator))));
  const end = (e: { originator: string; cause: string; message?: unknown }) => {
    const response = e.message as Partial<IncomingResponse> | undefined;
    const status = typeof response?.status_code === 'number' ? response.status_code : null;
    const reason = typeof response?.getHeader === 'function' ? (response.getHeader(REASON_HEADER) ?? null) : null;
    const outcome: CallEnd = { by: e.originator === 'local' ? 'local' : e.originator === 'remote' ? 'remote' : 'system', cause: e.cause, status, reason };
    emit((l) => l.ended(outcome));
  };
  session.on('ended', end);
  session.on('failed', end);

  const holding = holdControl(session);
  const identity = session.remote_identity;
  const call: SipCall = {
    direction,
    remote: identity.uri.user || identity.uri.toString(),
    remoteName: identity.display_name || null,
    listen(events) {
      listener = events;
      for (const f of pending.splice(0)) f(events);
    },
    answer(audio) {
      session.answer({ mediaConstraints: { audio, video: false }, pcConfig: { iceServers: config.iceServers } });
    },
    hangup() {
      if (!session.isEnded()) session.terminate();
    },
    reject(busy) {
      if (!session.isEnded()) session.terminate({ status_code: busy ? 486 : 603 });
    },
    hold(on) {
      holding.set(on);
    },
    mute(on) {
      if (on) session.mute({ audio: true });
      else session.unmute({ audio: true });
    },
    dtmf(tone: string, method: DtmfMethod) {
      session.sendDTMF(tone, { transportType: (method === 'info' ? 'INFO' : 'RFC2833') as DTMFOptions['transportType'], duration: 120, interToneGap: 70 });
    },
    transfer(target) {
      watchRefer(session.refer(targetUri(target, config.domain)) as unknown as ReferWatch | undefined, (r) => emit((l) => l.transfer(r)));
    },
    transferReplacing(consultation) {
      const other = sessions.get(consultation);
      if (!other || other.isEnded()) {
        emit((l) => l.transfer({ accepted: false, status: null }));
        return;
      }
      // Refer-To names the consulted party with Replaces=<that dialog>: the switch (or the phone)
      // that receives it puts our caller in our place on the consultation call.
      const referred = session.refer(other.remote_identity.uri, { replaces: other }) as unknown as ReferWatch | undefined;
      watchRefer(referred, (r) => emit((l) => l.transfer(r)));
    },
    async useMicrophone(track) {
      const pc = session.connection as unknown as RTCPeerConnection | undefined;
      const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio');
      if (sender) await sender.replaceTrack(track);
    },
    async stats() {
      const pc = session.connection as unknown as RTCPeerConnection | undefined;
      return pc ? pc.getStats() : null;
    },
  };
  sessions.set(call, session);
  return call;
}

/** One answer per transfer: refused (the REFER's error, or the NOTIFY's final failure) or accepted (its 2xx). */
function watchRefer(refer: ReferWatch | undefined, done: (result: TransferResult) => void): void {
  if (!refer) {
    done({ accepted: false, status: null });
    return;
  }
  let answered = false;
  const once = (r: TransferResult) => {
    if (answered) return;
    answered = true;
    done(r);
  };
  refer.on('requestFailed', (e) => once({ accepted: false, status: e.response?.status_code ?? null }));
  refer.on('failed', (e) => once({ accepted: false, status: Number(e.status_line?.status_code) || null }));
  refer.on('accepted', () => once({ accepted: true, status: null }));
}

/**
 * Hold and resume as re-INVITEs, one at a time: JsSIP ignores a hold or
 * resume asked for while the previous re-INVITE is still under way (a quick
 * Hold then Resume against FreeSWITCH), so the wish is kept and applied when
 * that one completes.
 */
function holdControl(session: RTCSession): { set(on: boolean): void } {
  let pending = false;
  let wanted: boolean | null = null;
  const set = (on: boolean): void => {
    if (pending) {
      wanted = on;
      return;
    }
    if (session.isEnded() || session.isOnHold().local === on) return;
    if (!session.isReadyToReOffer()) {
      wanted = on;
      setTimeout(() => retry(), 200);
      return;
    }
    pending = true;
    const done = () => {
      pending = false;
      retry();
    };
    const started = on ? session.hold({}, done) : session.unhold({}, done);
    if (!started) {
      pending = false;
      wanted = on;
      setTimeout(() => retry(), 200);
    }
  };
  const retry = () => {
    if (wanted === null) return;
    const next = wanted;
    wanted = null;
    set(next);
  };
  return { set };
}

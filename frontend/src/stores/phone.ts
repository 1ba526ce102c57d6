// The browser phone: registration with the session's SIP account, the call in
// progress (@sipcall/phone's CallSession) with the ring of an incoming
// one (alertIncoming), and during an attended transfer the second call to the
// target beside it (Consultation). The SIP library stays behind @sipcall/phone's
// SipPhone.
import type { SipCredentials } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import * as sipApi from '../services/sip';
import { alertIncoming, CallSession, Consultation, type CallQuality, type CallView, type ConnectionLoss, type ConsultationView, type IncomingAlert, type RegistrationState, type SipCall, type SipPhone, type TransferResult } from '@sipcall/phone';
import { t } from '../i18n';
import { toastError, toastSuccess } from '../util/toast';
import { createJsSipPhone } from '@sipcall/phone/jssip';
import { useDevicesStore } from './devices';
import { usePhoneSystemStore } from './phoneSystem';
import { useSessionStore } from './session';

/** How long an ended call stays on screen with its outcome. */
const ENDED_VISIBLE_MS = 5000;

export const usePhoneStore = defineStore('phone', () => {
  const session = useSessionStore();
  const devices = useDevicesStore();
  const phoneSystem = usePhoneSystemStore();
  const registration = ref<RegistrationState>('offline');
  const registrationDetail = ref<string | null>(null);
  /** The SIP WebSocket's last loss while it is being retried; null while it is open. */
  const connectionLoss = ref<ConnectionLoss | null>(null);
  const wssUrl = ref<string | null>(null);
  const startError = ref<string | null>(null);
  const call = ref<CallView | null>(null);
  /** During an attended transfer: the call to the target, and where the transfer stands (kept a moment after it finished, to say how). */
  const consultCall = ref<CallView | null>(null);
  const consultation = ref<ConsultationView | null>(null);
  const remoteStream = shallowRef<MediaStream | null>(null);
  const quality = ref<CallQuality | null>(null);
  const now = ref(Date.now());

  let phone: SipPhone | null = null;
  let authRetried = false;
  /** The call in progress; null once it ended. */
  let current: CallSession | null = null;
  let consulting: Consultation | null = null;
  /** The call to a target stays shown as the consultation, unless it became the call in progress. */
  const consultations = new WeakSet<CallSession>();
  /** Each session's audio: the one the user talks to is heard. */
  const streams = new Map<CallSession, MediaStream>();
  let alert: IncomingAlert | null = null;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let clearTimer: ReturnType<typeof setTimeout> | undefined;

  const busy = computed(() => (call.value !== null && call.value.state !== 'ended') || (consultCall.value !== null && consultCall.value.state !== 'ended'));
  const secondsOf = (c: CallView | null) => (c?.connectedAt ? Math.max(0, Math.floor(((c.endedAt ?? now.value) - c.connectedAt) / 1000)) : 0);
  const elapsedS = computed(() => secondsOf(call.value));
  const consultElapsedS = computed(() => secondsOf(consultCall.value));

  // --- registration -----------------------------------------------------------

  /** Registers this browser as one of the user's phones. Safe to call again. */
  async function connect() {
    if (phone || session.status !== 'signedIn' || !session.user) return;
    startError.value = null;
    // No switch configured: there is nothing to register with, so the WebSocket is
    // never opened. When the backend cannot say (an older one, a hiccup), try anyway.
    const system = await phoneSystem.follow();
    if (system && !system.configured) {
      registration.value = 'offline';
      return;
    }
    if (phone || session.status !== 'signedIn' || !session.user) return;
    registration.value = 'connecting';
    let creds: SipCredentials;
    try {
      creds = await sipApi.fetchCredentials();
    } catch {
      registration.value = 'failed';
      startError.value = 'credentials';
      return;
    }
    if (phone || session.status !== 'signedIn') return;
    authRetried = false;
    wssUrl.value = creds.wssUrl;
    phone = createJsSipPhone(
      { username: creds.username, password: creds.password, domain: creds.domain, wssUrl: creds.wssUrl, iceServers: creds.iceServers, displayName: session.user.displayName },
      { registration: (state, detail) => void onRegistration(state, detail), connection: onConnection, incoming: onIncoming },
    );
    phone.start();
  }

  async function onRegistration(state: RegistrationState, detail?: string) {
    if (state === 'registered') authRetried = false;
    // The session's SIP password rotates when credentials are asked for again (another tab of
    // this session, say): ask once for the current one before saying registration failed.
    if (state === 'failed' && detail === 'Authentication Error' && !authRetried && phone) {
      authRetried = true;
      registration.value = 'reconnecting';
      try {
        const creds = await sipApi.fetchCredentials();
        phone?.setPassword(creds.password);
        phone?.start();
        return;
      } catch {
        // fall through: failed
      }
    }
    registration.value = state;
    registrationDetail.value = detail ?? null;
    if (state === 'registered' || state === 'offline') connectionLoss.value = null;
  }

  function onConnection(loss: ConnectionLoss | null) {
    connectionLoss.value = loss;
    // Is it the switch, or only the way to it? The phone system says (at most every few seconds).
    if (loss) void phoneSystem.check();
  }

  /** Unregisters and gives this session's SIP password up (before signing out). */
  async function disconnect(revoke = true) {
    const p = phone;
    phone = null;
    consulting?.target.hangup();
    current?.hangup();
    if (p) await p.stop();
    registration.value = 'offline';
    connectionLoss.value = null;
    if (revoke && session.status === 'signedIn') await sipApi.revokeCredentials().catch(() => undefined);
  }

  /** Starts over with fresh credentials (the Retry after a failed registration). */
  async function reconnect() {
    await disconnect(false);
    await connect();
  }

  watch(
    () => session.status,
    (status) => {
      if (status !== 'signedIn') {
        phoneSystem.stop();
        void disconnect(false);
      }
    },
  );
  // A switch configured since (SIPCall restarted with one): register now.
  watch(
    () => phoneSystem.system?.configured,
    (configured, before) => {
      if (configured && before === false) void connect();
    },
  );

  // --- the call -----------------------------------------------------------------

  function place(number: string): boolean {
    if (!phone || registration.value !== 'registered' || busy.value) return false;
    track(phone.call(number, devices.audioConstraints()));
    return true;
  }

  function onIncoming(sip: SipCall) {
    if (busy.value) {
      sip.reject(true);
      return;
    }
    track(sip);
    if (current) alert = alertIncoming(sip, (from) => t('call.notification', { from }));
  }

  function track(sip: SipCall) {
    clearTimeout(clearTimer);
    remoteStream.value = null;
    quality.value = null;
    consultation.value = null;
    const s = sessionFor(sip);
    call.value = s.view;
    current = s.ended ? null : s;
  }

  /** A session whose changes go to the main call or the consultation, whichever it is now. */
  function sessionFor(sip: SipCall): CallSession {
    const s: CallSession = new CallSession(sip, {
      changed: (view) => {
        if (consultations.has(s)) consultCall.value = view;
        else show(view);
        consulting?.observe();
      },
      remoteStream: (stream) => {
        if (stream) streams.set(s, stream);
        else streams.delete(s);
        hear();
      },
      quality: (q) => {
        if (s === heard()) quality.value = q;
      },
      transferred: (result) => (consulting && s === consulting.caller ? consulting.answered(result) : blindTransferred(result)),
    });
    return s;
  }

  /** Who the user talks to: the target during a consultation, else the call in progress. */
  const heard = (): CallSession | null => (consulting && !consulting.finished ? consulting.target : current);
  function hear() {
    const s = heard();
    remoteStream.value = (s && streams.get(s)) ?? null;
  }

  function blindTransferred(result: TransferResult) {
    if (result.accepted) toastSuccess(t('call.transfer.done'));
    else toastError(t('call.transfer.refused'));
  }

  function show(view: CallView) {
    call.value = view;
    if (view.state !== 'incoming') stopAlert();
    if (view.state === 'ended') {
      current = null;
      // The call to a target may still go on (the caller hung up during a consultation).
      if (!consulting) stopTicker();
      clearTimer = setTimeout(dismiss, ENDED_VISIBLE_MS);
    } else if (view.connectedAt !== null && ticker === undefined) {
      now.value = Date.now();
      ticker = setInterval(() => (now.value = Date.now()), 1000);
    }
  }

  function stopTicker() {
    clearInterval(ticker);
    ticker = undefined;
  }

  function stopAlert() {
    alert?.stop();
    alert = null;
  }

  const answer = () => current?.answer(devices.audioConstraints());
  const reject = () => current?.reject();
  const hangup = () => current?.hangup();
  // Mute and tones go to whoever the user talks to: the target during a consultation.
  const toggleMute = () => heard()?.toggleMute();
  const toggleHold = () => (consulting && !consulting.finished ? undefined : current?.toggleHold());
  const dtmf = (tone: string) => heard()?.dtmf(tone, devices.dtmfMethod);
  const transfer = (number: string) => current?.transfer(number);

  // --- attended transfer ----------------------------------------------------------

  /** "Talk first": holds the call in progress and calls the target through the normal dialing path. */
  function consult(number: string): boolean {
    if (!phone || registration.value !== 'registered' || !current || consulting || (current.state !== 'connected' && current.state !== 'held')) return false;
    const target = sessionFor(phone.call(number, devices.audioConstraints()));
    consultations.add(target);
    consultCall.value = target.view;
    consulting = new Consultation(current, target, { changed: onConsultation });
    consultation.value = consulting.view;
    hear();
    return true;
  }

  function onConsultation(view: ConsultationView) {
    consultation.value = view;
    if (view.note === 'refused') toastError(t('call.transfer.refused'));
    if (view.phase !== 'finished' || !consulting) return;
    const { target } = consulting;
    consulting = null;
    if (view.note === 'completed') {
      stopTicker();
      toastSuccess(t('call.transfer.done'));
    } else if (view.note === 'caller_left') {
      // The call with the target goes on, as the call in progress.
      clearTimeout(clearTimer);
      consultations.delete(target);
      current = target.ended ? null : target;
      consultCall.value = null;
      show(target.view);
    } else {
      consultCall.value = null;
      streams.delete(target);
    }
    hear();
  }

  const completeTransfer = () => consulting?.complete();
  const returnToCaller = () => consulting?.returnToCaller();

  function dismiss() {
    if (call.value?.state === 'ended') {
      call.value = null;
      consultation.value = null;
      consultCall.value = null;
    }
  }
  /** Switches the microphone of the call in progress (the choice is also kept for the next calls). */
  async function useMicrophone(deviceId: string) {
    devices.microphoneId = deviceId;
    if (!current || !navigator.mediaDevices) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: devices.audioConstraints() });
    const [track] = stream.getAudioTracks();
    if (!track) return;
    await current?.useMicrophone(track);
    if (consulting && !consulting.finished) await consulting.target.useMicrophone(track);
  }

  return {
    registration,
    registrationDetail,
    connectionLoss,
    wssUrl,
    startError,
    call,
    consultCall,
    consultation,
    busy,
    elapsedS,
    consultElapsedS,
    remoteStream,
    quality,
    connect,
    disconnect,
    reconnect,
    place,
    answer,
    reject,
    hangup,
    toggleMute,
    toggleHold,
    dtmf,
    transfer,
    consult,
    completeTransfer,
    returnToCaller,
    dismiss,
    useMicrophone,
  };
});

// The browser phone: registration with the session's SIP account, and the one
// call in progress (sip/call-session.ts) with the ring of an incoming one
// (sip/incoming-alert.ts). The SIP library stays behind sip/phone.ts.
import type { SipCredentials } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import * as sipApi from '../services/sip';
import type { CallQuality } from '../sip/call-quality';
import { CallSession, type CallView } from '../sip/call-session';
import { alertIncoming, type IncomingAlert } from '../sip/incoming-alert';
import { createJsSipPhone } from '../sip/jssip-phone';
import type { ConnectionLoss, RegistrationState, SipCall, SipPhone } from '../sip/phone';
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
  const remoteStream = shallowRef<MediaStream | null>(null);
  const quality = ref<CallQuality | null>(null);
  const now = ref(Date.now());

  let phone: SipPhone | null = null;
  let authRetried = false;
  /** The call in progress; null once it ended. */
  let current: CallSession | null = null;
  let alert: IncomingAlert | null = null;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let clearTimer: ReturnType<typeof setTimeout> | undefined;

  const busy = computed(() => call.value !== null && call.value.state !== 'ended');
  const elapsedS = computed(() => {
    const c = call.value;
    if (!c?.connectedAt) return 0;
    return Math.max(0, Math.floor(((c.endedAt ?? now.value) - c.connectedAt) / 1000));
  });

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
    if (current) alert = alertIncoming(sip);
  }

  function track(sip: SipCall) {
    clearTimeout(clearTimer);
    remoteStream.value = null;
    quality.value = null;
    // An ended session says nothing more, so only the one in progress is ever heard.
    const s = new CallSession(sip, {
      changed: show,
      remoteStream: (stream) => (remoteStream.value = stream),
      quality: (q) => (quality.value = q),
    });
    call.value = s.view;
    current = s.ended ? null : s;
  }

  function show(view: CallView) {
    call.value = view;
    if (view.state !== 'incoming') stopAlert();
    if (view.state === 'ended') {
      current = null;
      clearInterval(ticker);
      ticker = undefined;
      clearTimer = setTimeout(dismiss, ENDED_VISIBLE_MS);
    } else if (view.connectedAt !== null && ticker === undefined) {
      now.value = Date.now();
      ticker = setInterval(() => (now.value = Date.now()), 1000);
    }
  }

  function stopAlert() {
    alert?.stop();
    alert = null;
  }

  const answer = () => current?.answer(devices.audioConstraints());
  const reject = () => current?.reject();
  const hangup = () => current?.hangup();
  const toggleMute = () => current?.toggleMute();
  const toggleHold = () => current?.toggleHold();
  const dtmf = (tone: string) => current?.dtmf(tone, devices.dtmfMethod);
  const transfer = (number: string) => current?.transfer(number);
  function dismiss() {
    if (call.value?.state === 'ended') call.value = null;
  }
  /** Switches the microphone of the call in progress (the choice is also kept for the next calls). */
  async function useMicrophone(deviceId: string) {
    devices.microphoneId = deviceId;
    if (!current || !navigator.mediaDevices) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: devices.audioConstraints() });
    const [track] = stream.getAudioTracks();
    if (track) await current?.useMicrophone(track);
  }

  return {
    registration,
    registrationDetail,
    connectionLoss,
    wssUrl,
    startError,
    call,
    busy,
    elapsedS,
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
    dismiss,
    useMicrophone,
  };
});

// The browser phone: registration with the session's SIP account, and the
// one call in progress (outgoing or incoming) with every state it can be in.
// Components read this store; the SIP library stays behind sip/phone.ts.
import type { SipCredentials } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { t } from '../i18n';
import { computed, ref, shallowRef, watch } from 'vue';
import { outcomeOf, type Outcome } from '../sip/call-outcome';
import { readQuality, type CallQuality } from '../sip/call-quality';
import { createJsSipPhone } from '../sip/jssip-phone';
import type { CallEnd, RegistrationState, SipCall, SipPhone } from '../sip/phone';
import { startRingtone, type Ringtone } from '../sip/ringtone';
import * as sipApi from '../services/sip';
import { useDevicesStore } from './devices';
import { useSessionStore } from './session';

export type CallState = 'incoming' | 'calling' | 'ringing' | 'early' | 'connected' | 'held' | 'ended';

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

const STATS_EVERY_MS = 2000;
/** How long an ended call stays on screen with its outcome. */
const ENDED_VISIBLE_MS = 5000;

export const usePhoneStore = defineStore('phone', () => {
  const session = useSessionStore();
  const devices = useDevicesStore();
  const registration = ref<RegistrationState>('offline');
  const registrationDetail = ref<string | null>(null);
  const call = ref<CallView | null>(null);
  const remoteStream = shallowRef<MediaStream | null>(null);
  const quality = ref<CallQuality | null>(null);
  const now = ref(Date.now());
  const startError = ref<string | null>(null);

  let phone: SipPhone | null = null;
  let active: SipCall | null = null;
  let ringtone: Ringtone | null = null;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let statsTimer: ReturnType<typeof setInterval> | undefined;
  let clearTimer: ReturnType<typeof setTimeout> | undefined;
  let authRetried = false;
  let notification: Notification | null = null;

  const busy = computed(() => call.value !== null && call.value.state !== 'ended');
  const elapsedS = computed(() => {
    const c = call.value;
    if (!c?.connectedAt) return 0;
    return Math.max(0, Math.floor(((c.endedAt ?? now.value) - c.connectedAt) / 1000));
  });

  /** Registers this browser as one of the user's phones. Safe to call again. */
  async function connect() {
    if (phone || session.status !== 'signedIn' || !session.user) return;
    startError.value = null;
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
    phone = createJsSipPhone(
      { username: creds.username, password: creds.password, domain: creds.domain, wssUrl: creds.wssUrl, iceServers: creds.iceServers, displayName: session.user.displayName },
      {
        registration: (state, detail) => void onRegistration(state, detail),
        incoming: onIncoming,
      },
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
  }

  /** Unregisters and gives this session's SIP password up (before signing out). */
  async function disconnect(revoke = true) {
    const p = phone;
    phone = null;
    if (active) active.hangup();
    if (p) await p.stop();
    registration.value = 'offline';
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
      if (status !== 'signedIn') void disconnect(false);
    },
  );

  function place(number: string): boolean {
    if (!phone || registration.value !== 'registered' || busy.value) return false;
    const sip = phone.call(number, devices.audioConstraints());
    track(sip, 'calling');
    return true;
  }

  function onIncoming(sip: SipCall) {
    if (busy.value) {
      sip.reject(true);
      return;
    }
    track(sip, 'incoming');
    ringtone = startRingtone();
    notify(sip);
  }

  function track(sip: SipCall, state: CallState) {
    clearTimeout(clearTimer);
    active = sip;
    remoteStream.value = null;
    quality.value = null;
    call.value = {
      direction: sip.direction,
      remote: sip.remote,
      remoteName: sip.remoteName,
      state,
      startedAt: Date.now(),
      connectedAt: null,
      endedAt: null,
      muted: false,
      heldLocal: false,
      heldRemote: false,
      outcome: null,
    };
    const mine = (f: () => void) => () => {
      if (active === sip) f();
    };
    sip.listen({
      // An incoming call stays `incoming` while we send our own 180 Ringing.
      progress: (early) => mine(() => sip.direction === 'outgoing' && update({ state: early ? 'early' : 'ringing' }))(),
      connected: mine(() => {
        stopAlerting();
        update({ state: 'connected', connectedAt: Date.now() });
        startClocks(sip);
      }),
      hold: (held, by) =>
        mine(() => {
          const c = call.value;
          if (!c) return;
          const heldLocal = by === 'local' ? held : c.heldLocal;
          const heldRemote = by === 'remote' ? held : c.heldRemote;
          update({ heldLocal, heldRemote, state: heldLocal || heldRemote ? 'held' : 'connected' });
        })(),
      remoteStream: (stream) => mine(() => (remoteStream.value = stream))(),
      ended: (end) => mine(() => finish(end))(),
    });
  }

  function update(patch: Partial<CallView>) {
    if (call.value) call.value = { ...call.value, ...patch };
  }

  function finish(end: CallEnd) {
    const c = call.value;
    stopAlerting();
    stopClocks();
    active = null;
    remoteStream.value = null;
    if (!c) return;
    update({ state: 'ended', endedAt: Date.now(), outcome: outcomeOf(end, c.connectedAt !== null) });
    clearTimer = setTimeout(() => {
      if (call.value?.state === 'ended') call.value = null;
    }, ENDED_VISIBLE_MS);
  }

  function startClocks(sip: SipCall) {
    stopClocks();
    now.value = Date.now();
    ticker = setInterval(() => (now.value = Date.now()), 1000);
    let counters: Parameters<typeof readQuality>[1] = null;
    statsTimer = setInterval(() => {
      void sip.stats().then((report) => {
        if (!report || active !== sip) return;
        const sample = readQuality(report.values() as Iterable<Record<string, unknown>>, counters);
        counters = sample.counters;
        quality.value = sample.quality;
      });
    }, STATS_EVERY_MS);
  }
  function stopClocks() {
    clearInterval(ticker);
    clearInterval(statsTimer);
  }
  function stopAlerting() {
    ringtone?.stop();
    ringtone = null;
    notification?.close();
    notification = null;
  }

  function notify(sip: SipCall) {
    if (typeof document === 'undefined' || !document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const from = sip.remoteName ? `${sip.remoteName} (${sip.remote})` : sip.remote;
    notification = new Notification(t('call.notification', { from }), { tag: 'sipcall-incoming', requireInteraction: true });
    notification.onclick = () => window.focus();
  }

  const answer = () => {
    if (call.value?.state === 'incoming') active?.answer(devices.audioConstraints());
  };
  const reject = () => {
    if (call.value?.state === 'incoming') active?.reject(false);
  };
  const hangup = () => active?.hangup();
  function toggleMute() {
    if (!active || !call.value) return;
    const muted = !call.value.muted;
    active.mute(muted);
    update({ muted });
  }
  function toggleHold() {
    const c = call.value;
    if (!active || !c || (c.state !== 'connected' && c.state !== 'held')) return;
    active.hold(!c.heldLocal);
  }
  function dtmf(tone: string) {
    if (active && (call.value?.state === 'connected' || call.value?.state === 'early')) active.dtmf(tone, devices.dtmfMethod);
  }
  function transfer(number: string) {
    if (active && call.value && (call.value.state === 'connected' || call.value.state === 'held')) active.transfer(number);
  }
  function dismiss() {
    if (call.value?.state === 'ended') call.value = null;
  }
  /** Switches the microphone of the call in progress (the choice is also kept for the next calls). */
  async function useMicrophone(deviceId: string) {
    devices.microphoneId = deviceId;
    if (!active || !navigator.mediaDevices) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: devices.audioConstraints() });
    const [track] = stream.getAudioTracks();
    if (track) await active.useMicrophone(track);
  }

  return {
    registration,
    registrationDetail,
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

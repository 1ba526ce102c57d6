// The phone of a Nextcloud page: signs in to SIPCall with the app's assertion,
// registers while this tab holds the phone (tab.ts), places and takes calls
// through @sipcall/phone's CallSession, and says "In a call" in Nextcloud
// while one is up. Plain state in a Vue reactive object; the components
// show it.
import type { ContactSearch, DestinationPreview, SipCredentials } from '@sipcall/contract';
import { alertIncoming, CallSession, type CallQuality, type CallView, type IncomingAlert, type PhoneFactory, type RegistrationState, type SipCall, type SipPhone } from '@sipcall/phone';
import { reactive, shallowRef } from 'vue';
import type { SipcallSession } from './session';
import { SipcallError } from './session';
import type { SetInCall, SetPresence } from './status';
import type { PhoneTab, TabEvents } from './tab';
import { refusalWords, t } from './words';

/** How long an ended call stays in the panel with its outcome. */
const ENDED_VISIBLE_MS = 5000;

export interface MiniPhoneDeps {
  session: SipcallSession;
  /** The SIP phone's code, loaded only by the tab that registers. */
  loadPhone(): Promise<PhoneFactory>;
  claimTab(events: TabEvents): PhoneTab;
  setInCall: SetInCall;
  /** This tab holds the phone (registered), or no longer. */
  setPresence: SetPresence;
}

export interface ContactChoice {
  name: string;
  label: string;
  number: string;
}

export interface MiniPhoneState {
  /** Signed in to SIPCall, or why not (problem). */
  signIn: 'pending' | 'ok' | 'failed';
  problem: string | null;
  /** This tab holds the phone (another Nextcloud tab may hold it instead). */
  here: boolean;
  registration: RegistrationState;
  call: CallView | null;
  open: boolean;
  dialled: string;
  /** A word for the user that is not about a call (a Talk message without a number, say). */
  notice: string | null;
  /** Numbers to choose from (a Talk message with several). */
  choices: string[];
  /** The country the user's national numbers are read in (SIPCall's setting), null: only international ones. */
  defaultCountry: string | null;
  /** The page shows the phone itself (the app's Phone page): the header's panel need not open. */
  inPage: boolean;
}

export type MiniPhone = ReturnType<typeof createMiniPhone>;

export function createMiniPhone(deps: MiniPhoneDeps) {
  const state = reactive<MiniPhoneState>({
    signIn: 'pending',
    problem: null,
    here: false,
    registration: 'offline',
    call: null,
    open: false,
    dialled: '',
    notice: null,
    choices: [],
    defaultCountry: null,
    inPage: false,
  });
  /** Shows the phone: the header's panel, unless the page holds it. */
  const reveal = () => {
    if (!state.inPage) state.open = true;
  };
  const remoteStream = shallowRef<MediaStream | null>(null);
  /** How the call in progress sounds (WebRTC's statistics, every few seconds). */
  const quality = shallowRef<CallQuality | null>(null);

  let phone: SipPhone | null = null;
  let current: CallSession | null = null;
  let alert: IncomingAlert | null = null;
  let statusSet = false;
  let clearTimer: ReturnType<typeof setTimeout> | undefined;
  /** A number to call once this tab holds the phone and it is registered. */
  let queued: string | null = null;
  /** Fresh SIP credentials were asked for after a refused registration (once, until one succeeds). */
  let authRetried = false;

  const busy = () => state.call !== null && state.call.state !== 'ended';

  async function start(): Promise<void> {
    try {
      const user = await deps.session.signIn();
      state.defaultCountry = user.defaultCountry;
      state.signIn = 'ok';
    } catch (error) {
      state.signIn = 'failed';
      state.problem = problemWords(error);
      return;
    }
    tab = deps.claimTab({ gained: () => void register(), lost: () => void unregister() });
    // A call asked for while signing in (a Talk action, say): it needs the phone here.
    if (queued) void tab.takeOver();
  }
  let tab: PhoneTab | null = null;

  async function register(): Promise<void> {
    state.here = true;
    if (phone) return;
    state.registration = 'connecting';
    let creds: SipCredentials;
    let createPhone: PhoneFactory;
    try {
      [creds, createPhone] = await Promise.all([deps.session.api<SipCredentials>('/api/sip/credentials', { method: 'POST' }), deps.loadPhone()]);
    } catch (error) {
      state.registration = 'failed';
      state.problem = problemWords(error);
      return;
    }
    if (!state.here || phone) return;
    const user = deps.session.user;
    phone = createPhone(
      { username: creds.username, password: creds.password, domain: creds.domain, wssUrl: creds.wssUrl, iceServers: creds.iceServers, displayName: user?.displayName ?? creds.username },
      {
        registration: (s, detail) => {
          // The SIP password expired or was rotated (credentials asked for again): ask once for the current one.
          if (s === 'failed' && detail === 'Authentication Error' && !authRetried) {
            authRetried = true;
            void renewPassword();
            return;
          }
          if (s === 'registered') authRetried = false;
          state.registration = s;
          // Each registration and each renewal: a call missed now rings here.
          if (s === 'registered') void deps.setPresence(true);
          if (s === 'registered' && queued) {
            const number = queued;
            queued = null;
            void place(number);
          }
        },
        connection: () => undefined,
        incoming: onIncoming,
      },
    );
    phone.start();
  }

  async function renewPassword(): Promise<void> {
    state.registration = 'reconnecting';
    try {
      const creds = await deps.session.api<SipCredentials>('/api/sip/credentials', { method: 'POST' });
      phone?.setPassword(creds.password);
      phone?.start();
    } catch (error) {
      state.registration = 'failed';
      state.problem = problemWords(error);
    }
  }

  async function unregister(): Promise<void> {
    state.here = false;
    const p = phone;
    phone = null;
    current?.hangup();
    if (p) {
      void deps.setPresence(false);
      await p.stop();
    }
    state.registration = 'offline';
  }

  /** Calls `number`, taking the phone into this tab first when another holds it. */
  function call(number: string): void {
    reveal();
    state.notice = null;
    state.choices = [];
    if (busy()) {
      state.notice = t('End the call in progress first');
      return;
    }
    if (state.signIn === 'failed') return;
    if (phone && state.registration === 'registered') {
      void place(number);
      return;
    }
    queued = number;
    // Signing in still: start() takes the phone over once it can.
    if (!state.here && tab) void tab.takeOver();
  }

  /** Several numbers (a Talk message): the user picks one; one number is called at once; none is said. */
  function offer(numbers: readonly string[]): void {
    if (numbers.length === 1) {
      call(numbers[0]!);
      return;
    }
    reveal();
    state.choices = [...numbers];
    state.notice = numbers.length === 0 ? t('There is no phone number in this message') : null;
  }

  /** Dials what SIPCall makes of `number` (E.164 in the user's country), or says why it will not. */
  async function place(number: string): Promise<void> {
    let target = number;
    try {
      const preview = await deps.session.api<DestinationPreview>(`/api/destinations?number=${encodeURIComponent(number)}`);
      if (!preview.allowed) {
        state.notice = refusalWords(preview.reason);
        return;
      }
      if (preview.number) target = preview.number;
    } catch {
      // No word from SIPCall: the switch's dialplan decides, as for any call.
    }
    if (!phone || busy()) return;
    state.dialled = '';
    track(phone.call(target, true));
  }

  function onIncoming(sip: SipCall): void {
    if (busy()) {
      sip.reject(true);
      return;
    }
    track(sip);
    reveal();
    alert = alertIncoming(sip, (from) => t('Incoming call from {from}', { from }));
  }

  function track(sip: SipCall): void {
    clearTimeout(clearTimer);
    remoteStream.value = null;
    quality.value = null;
    const session = new CallSession(sip, {
      changed: (view) => show(session, view),
      remoteStream: (stream) => (remoteStream.value = stream),
      quality: (q) => {
        if (session === current) quality.value = q;
      },
    });
    current = session;
    show(session, session.view);
  }

  function show(session: CallSession, view: CallView): void {
    if (session !== current && view.state !== 'ended') return;
    state.call = view;
    if (view.state !== 'incoming') {
      alert?.stop();
      alert = null;
    }
    const talking = view.state === 'connected' || view.state === 'held';
    if (talking && !statusSet) {
      statusSet = true;
      void deps.setInCall(true);
    }
    if (view.state === 'ended') {
      if (session === current) current = null;
      if (statusSet) {
        statusSet = false;
        void deps.setInCall(false);
      }
      clearTimer = setTimeout(() => {
        if (state.call?.state === 'ended') state.call = null;
      }, ENDED_VISIBLE_MS);
    }
  }

  async function search(query: string): Promise<ContactChoice[]> {
    if (query.trim().length < 2 || state.signIn !== 'ok') return [];
    const found = await deps.session.api<ContactSearch>(`/api/contacts/search?q=${encodeURIComponent(query.trim())}&limit=8`);
    return found.items.flatMap((c) => c.numbers.filter((n) => n.number !== null).map((n) => ({ name: c.displayName, label: n.label, number: n.number as string })));
  }

  /** The page is leaving: end what is up, let the phone go. */
  function stop(): void {
    current?.hangup();
    tab?.release();
    if (phone) void deps.setPresence(false);
    void phone?.stop();
    phone = null;
  }

  return {
    state,
    remoteStream,
    quality,
    start,
    call,
    offer,
    search,
    stop,
    takeOver: () => tab?.takeOver(),
    answer: () => current?.answer(true),
    reject: () => current?.reject(),
    hangup: () => current?.hangup(),
    toggleMute: () => current?.toggleMute(),
    dtmf: (tone: string) => current?.dtmf(tone, 'rfc2833'),
  };
}

function problemWords(error: unknown): string {
  if (error instanceof SipcallError) {
    if (error.code === 'token') return error.message;
    if (error.status === 0) return t('SIPCall could not be reached ({why}). Ask your administrator to check its address and certificate.', { why: error.message });
    if (error.code === 'email_taken') return t('Your email address belongs to a SIPCall account that is not linked to Nextcloud. Sign in to SIPCall once and link it in its settings.');
    if (error.code === 'account_disabled') return t('Your SIPCall account is disabled.');
    if (error.code === 'invalid_assertion') return t('SIPCall did not accept this Nextcloud: the shared secret or the addresses differ on the two sides.');
    return error.message;
  }
  return t('The phone could not start');
}

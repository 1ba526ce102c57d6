// The mini-phone's life, with the scripted phone in JsSIP's place: it
// registers only in the tab holding the phone and lets go when another tab
// takes it; a call from a tab that does not hold it takes the phone first;
// the Nextcloud status says "In a call" while one is up and reverts after;
// a second incoming call while busy is refused as busy.
import type { User } from '@sipcall/contract';
import { createFakePhone, phones } from '@sipcall/phone/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMiniPhone } from './mini-phone';
import type { SipcallSession } from './session';
import type { PhoneTab, TabEvents } from './tab';

const CREDENTIALS = { username: 'u1', password: 'pw', domain: 'sip.example.org', wssUrl: 'wss://sip.example.org/ws', iceServers: [], expiresAt: '2030-01-01T00:00:00Z' };

function setUp() {
  const user = { id: 'u1', displayName: 'Nora', defaultCountry: 'DE' } as User;
  /** SIPCall's answers: the SIP account, and a preview that lets every number through as E.164 (a German national number gains +49). */
  const api = vi.fn(async (path: string) => {
    if (path === '/api/sip/credentials') return CREDENTIALS;
    const typed = decodeURIComponent(/[?&]number=([^&]*)/.exec(path)?.[1] ?? '').replace(/\s/g, '');
    if (path.startsWith('/api/destinations')) return typed.startsWith('0900') ? { kind: 'e164', number: null, country: 'DE', allowed: false, reason: 'premium_rate' } : { kind: 'e164', number: typed.startsWith('0') ? `+49${typed.slice(1)}` : typed, country: 'DE', allowed: true, reason: 'allowed' };
    return { items: [] };
  });
  const session = { user, signIn: vi.fn(async () => user), api } as unknown as SipcallSession;
  let events: TabEvents | null = null;
  const tab: PhoneTab & { active: boolean } = {
    active: false,
    takeOver: vi.fn(async () => {
      tab.active = true;
      events?.gained();
    }),
    release: vi.fn(),
  };
  const setInCall = vi.fn(async () => undefined);
  const setPresence = vi.fn(async () => undefined);
  const phone = createMiniPhone({
    session,
    loadPhone: async () => createFakePhone,
    claimTab: (e) => {
      events = e;
      return tab;
    },
    setInCall,
    setPresence,
  });
  return { phone, tab, setInCall, setPresence, api, events: () => events! };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Signed in, holding the phone, registered: where most calls start. */
async function registered(phone: ReturnType<typeof createMiniPhone>, events: () => TabEvents) {
  await phone.start();
  events().gained();
  await settle();
  phones[0]!.register();
  await settle();
}

describe('the mini-phone', () => {
  beforeEach(() => {
    phones.length = 0;
  });

  it('registers in the tab that holds the phone, and unregisters when another tab takes it, telling Nextcloud each time', async () => {
    const { phone, events, setPresence } = setUp();
    await phone.start();
    expect(phone.state).toMatchObject({ signIn: 'ok', here: false, defaultCountry: 'DE' });
    expect(phones).toHaveLength(0);
    events().gained();
    await settle();
    expect(phones).toHaveLength(1);
    expect(phones[0]!.config).toMatchObject({ username: 'u1', wssUrl: 'wss://sip.example.org/ws', displayName: 'Nora' });
    phones[0]!.register();
    await settle();
    expect(phone.state.registration).toBe('registered');
    expect(setPresence).toHaveBeenLastCalledWith(true);
    events().lost();
    await settle();
    expect(phones[0]!.stopped).toBe(1);
    expect(setPresence).toHaveBeenLastCalledWith(false);
    expect(phone.state).toMatchObject({ here: false, registration: 'offline' });
  });

  it('asks once for a fresh SIP password when the registration is refused, then says it failed', async () => {
    const { phone, events, api } = setUp();
    await phone.start();
    events().gained();
    await settle();
    phones[0]!.events.registration('failed', 'Authentication Error');
    await settle();
    expect(api.mock.calls.filter(([path]) => path === '/api/sip/credentials')).toHaveLength(2);
    expect(phones[0]!.passwords).toEqual(['pw', 'pw']);
    expect(phones[0]!.started).toBe(2);
    phones[0]!.events.registration('failed', 'Authentication Error');
    expect(phone.state.registration).toBe('failed');
  });

  it('takes the phone over to call from a tab that does not hold it, then calls once registered', async () => {
    const { phone, tab } = setUp();
    await phone.start();
    phone.call('+49301234567');
    expect(tab.takeOver).toHaveBeenCalled();
    await settle();
    expect(phones[0]!.calls).toHaveLength(0);
    phones[0]!.register();
    await settle();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+49301234567']);
    expect(phone.state.call).toMatchObject({ direction: 'outgoing', state: 'calling', remote: '+49301234567' });
  });

  it('calls a number asked for while still signing in, once the phone is here and registered', async () => {
    const { phone, tab } = setUp();
    const started = phone.start();
    phone.call('+4315123456');
    await started;
    expect(tab.takeOver).toHaveBeenCalled();
    await settle();
    phones[0]!.register();
    await settle();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+4315123456']);
  });

  it('says "In a call" in Nextcloud while a call is up, and reverts once it ended', async () => {
    const { phone, events, setInCall } = setUp();
    await registered(phone, events);
    phone.call('+49301234567');
    await settle();
    const sip = phones[0]!.calls[0]!;
    sip.ring();
    expect(setInCall).not.toHaveBeenCalled();
    sip.connect();
    expect(setInCall).toHaveBeenCalledWith(true);
    sip.end();
    expect(setInCall).toHaveBeenLastCalledWith(false);
    expect(setInCall).toHaveBeenCalledTimes(2);
    expect(phone.state.call).toMatchObject({ state: 'ended', outcome: 'completed' });
  });

  it('dials what SIPCall makes of the number, and says why it will not call one it refuses', async () => {
    const { phone, events } = setUp();
    await registered(phone, events);
    phone.call('0900 123456');
    await settle();
    expect(phones[0]!.calls).toHaveLength(0);
    expect(phone.state.notice).toBe('Premium-rate and shared-cost numbers cannot be called');
    phone.call('030 1234567');
    await settle();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+49301234567']);
  });

  it('rings for an incoming call, refuses a second one as busy, and leaves the status alone for a call never answered', async () => {
    const { phone, events, setInCall } = setUp();
    await registered(phone, events);
    const first = phones[0]!.incoming('+4930555', 'Bob');
    expect(phone.state).toMatchObject({ open: true, call: { direction: 'incoming', state: 'incoming', remoteName: 'Bob' } });
    const second = phones[0]!.incoming('+4930666');
    expect(second.actions).toEqual(['reject:busy']);
    first.end({ cause: 'Canceled' });
    expect(phone.state.call).toMatchObject({ state: 'ended' });
    expect(setInCall).not.toHaveBeenCalled();
  });

  it('calls the one number of a Talk message at once, lets the user pick among several, and says when there is none', async () => {
    const { phone, events } = setUp();
    await registered(phone, events);
    phone.offer(['+49301234567', '+4315123456']);
    expect(phone.state).toMatchObject({ open: true, choices: ['+49301234567', '+4315123456'] });
    expect(phones[0]!.calls).toHaveLength(0);
    phone.offer([]);
    expect(phone.state.notice).toBe('There is no phone number in this message');
    phone.offer(['+4315123456']);
    await settle();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+4315123456']);
  });

  it('says why the phone is not available when SIPCall refuses the sign-in', async () => {
    const session = { signIn: vi.fn(async () => Promise.reject(new Error('refused'))) };
    const failing = createMiniPhone({ session: session as unknown as SipcallSession, loadPhone: async () => createFakePhone, claimTab: () => ({ active: false, takeOver: async () => undefined, release: () => undefined }), setInCall: async () => undefined, setPresence: async () => undefined });
    await failing.start();
    expect(failing.state).toMatchObject({ signIn: 'failed', problem: 'The phone could not start' });
  });
});

import type { SipCredentials } from '@sipcall/contract';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PhoneSystem } from '@sipcall/contract';
import * as phoneSystemApi from '../services/phoneSystem';
import * as sipApi from '../services/sip';
import * as toast from '../util/toast';
import { phones } from '@sipcall/phone/testing';
import { registeredPhone, signedIn } from '../test/session';
import { usePhoneStore } from './phone';

vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));
vi.mock('../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
vi.mock('../services/phoneSystem', () => ({ fetchPhoneSystem: vi.fn() }));
vi.mock('../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));

const CREDS: SipCredentials = { username: 'u1', password: 'pw-1', domain: 'sip.example.test', wssUrl: 'wss://sip.example.test:7443', iceServers: [], expiresAt: '' };

const registered = registeredPhone;
const READY: PhoneSystem = { configured: true, status: 'ready', nextRetryAt: null, wssUrl: CREDS.wssUrl };
const NOT_CONFIGURED: PhoneSystem = { configured: false, status: 'not_configured', nextRetryAt: null, wssUrl: null };

describe('phone store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    phones.length = 0;
    vi.mocked(sipApi.fetchCredentials).mockReset().mockResolvedValue(CREDS);
    vi.mocked(sipApi.revokeCredentials).mockReset().mockResolvedValue(undefined);
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockReset().mockResolvedValue(READY);
    vi.mocked(toast.toastSuccess).mockReset();
    vi.mocked(toast.toastError).mockReset();
  });
  afterEach(() => vi.useRealTimers());

  it('does not register, nor ask for a SIP account, when no switch is configured', async () => {
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue(NOT_CONFIGURED);
    signedIn();
    const store = usePhoneStore();
    await store.connect();
    expect(phones).toHaveLength(0);
    expect(sipApi.fetchCredentials).not.toHaveBeenCalled();
    expect(store.registration).toBe('offline');
  });

  it('asks again rarely while none is configured, and registers once one is', async () => {
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue(NOT_CONFIGURED);
    signedIn();
    const store = usePhoneStore();
    await store.connect();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(1);
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue(READY);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await flushPromises();
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
    expect(phones).toHaveLength(1);
    expect(phones[0]!.started).toBe(1);
    expect(store.registration).toBe('connecting');
  });

  it('while the switch is down, asks again when the backend retries it (within bounds), not sooner', async () => {
    const retryAt = new Date(Date.now() + 20_000).toISOString();
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue({ ...READY, status: 'down', nextRetryAt: retryAt });
    await registered();
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(1);
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue(READY);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
    // ready: nothing more to poll for
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
  });

  it('registers anyway when the backend cannot say, and asks again with growing waits', async () => {
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockRejectedValue(new Error('502'));
    const { store } = await registered();
    expect(store.registration).toBe('registered');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(3);
  });

  it('keeps the lost SIP connection with when it is retried, asks whether the switch is down, and forgets it once open', async () => {
    const { store, phone } = await registered();
    vi.advanceTimersByTime(10_000);
    phone.events.registration('reconnecting');
    phone.events.connection({ code: 1006, reason: null, retryBy: Date.now() + 4_000 });
    await flushPromises();
    expect(store.connectionLoss).toEqual({ code: 1006, reason: null, retryBy: Date.now() + 4_000 });
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
    // a flapping connection does not hammer the API
    phone.events.connection({ code: 1006, reason: null, retryBy: Date.now() + 8_000 });
    await flushPromises();
    expect(phoneSystemApi.fetchPhoneSystem).toHaveBeenCalledTimes(2);
    phone.events.connection(null);
    phone.register();
    expect(store.connectionLoss).toBeNull();
  });

  it('registers with the session SIP account and shows each registration state', async () => {
    const { store, phone } = await registered();
    expect(phone.config).toMatchObject({ username: 'u1', password: 'pw-1', domain: 'sip.example.test', wssUrl: 'wss://sip.example.test:7443', displayName: 'Ann' });
    expect(phone.started).toBe(1);
    expect(store.registration).toBe('registered');
    phone.events.registration('reconnecting');
    expect(store.registration).toBe('reconnecting');
    phone.events.registration('registered');
    expect(store.registration).toBe('registered');
  });

  it('asks once for the current SIP password when registration is refused, then says it failed', async () => {
    const { store, phone } = await registered();
    vi.mocked(sipApi.fetchCredentials).mockResolvedValue({ ...CREDS, password: 'pw-2' });
    phone.events.registration('failed', 'Authentication Error');
    await flushPromises();
    expect(phone.passwords).toEqual(['pw-1', 'pw-2']);
    expect(store.registration).toBe('reconnecting');
    phone.events.registration('failed', 'Authentication Error');
    await flushPromises();
    expect(store.registration).toBe('failed');
    expect(store.registrationDetail).toBe('Authentication Error');
  });

  it('says so when the SIP account cannot be fetched', async () => {
    vi.mocked(sipApi.fetchCredentials).mockRejectedValue(new Error('down'));
    signedIn();
    const store = usePhoneStore();
    await store.connect();
    expect(store.registration).toBe('failed');
    expect(store.startError).toBe('credentials');
    expect(phones).toHaveLength(0);
  });

  it('places one call at a time, times it once connected, and shows it a moment after it ends', async () => {
    const { store, phone } = await registered();
    expect(store.place('+49301234567')).toBe(true);
    const call = phone.calls[0]!;
    expect(store.call).toMatchObject({ direction: 'outgoing', remote: '+49301234567', state: 'calling' });
    expect(store.busy).toBe(true);
    expect(store.place('+49301111111')).toBe(false);
    expect(phone.calls).toHaveLength(1);
    call.ring(true);
    expect(store.call?.state).toBe('early');
    call.connect();
    vi.advanceTimersByTime(3_000);
    expect(store.elapsedS).toBe(3);
    store.toggleHold();
    store.toggleMute();
    store.dtmf('5');
    store.transfer('+4930999');
    expect(call.actions).toEqual(['hold:true', 'mute:true', 'dtmf:5:rfc2833', 'transfer:+4930999']);
    call.end({ by: 'remote', cause: 'BYE' });
    expect(store.call).toMatchObject({ state: 'ended', outcome: 'completed' });
    expect(store.busy).toBe(false);
    vi.advanceTimersByTime(4_000);
    expect(store.elapsedS).toBe(3); // stopped at the end
    vi.advanceTimersByTime(1_000);
    expect(store.call).toBeNull();
    expect(store.elapsedS).toBe(0);
  });

  it('says why the switch refused a call, and places the next one after closing it', async () => {
    const { store, phone } = await registered();
    store.place('0900123');
    phone.calls[0]!.end({ status: 403, reason: 'premium_rate' });
    expect(store.call?.outcome).toBe('refused.premium_rate');
    store.dismiss();
    expect(store.call).toBeNull();
    expect(store.place('1002')).toBe(true);
  });

  it('rings for an incoming call, answers with the chosen microphone, and sends DTMF the chosen way', async () => {
    const { store, phone } = await registered();
    localStorage.clear();
    const call = phone.incoming('1002', 'Bob');
    expect(store.call).toMatchObject({ direction: 'incoming', remote: '1002', remoteName: 'Bob', state: 'incoming' });
    call.ring(); // our own 180 Ringing does not change what the user sees
    expect(store.call?.state).toBe('incoming');
    store.answer();
    call.connect();
    expect(store.call?.state).toBe('connected');
    const devices = (await import('./devices')).useDevicesStore();
    devices.dtmfMethod = 'info';
    store.dtmf('#');
    expect(call.actions).toEqual(['answer', 'dtmf:#:info']);
  });

  it('declines an incoming call on request, and answers a second caller busy while in a call', async () => {
    const { store, phone } = await registered();
    const first = phone.incoming('1002');
    store.reject();
    expect(first.actions).toEqual(['reject:decline']);
    first.end({ by: 'local', cause: 'Rejected', status: null });
    store.dismiss();
    store.place('1003');
    const second = phone.incoming('1004');
    expect(second.actions).toEqual(['reject:busy']);
    expect(store.call?.remote).toBe('1003');
  });

  it('shows the quality of the call in progress, and starts the next call without it', async () => {
    const { store, phone } = await registered();
    store.place('1002');
    const call = phone.calls[0]!;
    call.connect();
    call.statsReport = [{ type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 0, jitter: 0.004 }];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(store.quality).toMatchObject({ jitterMs: 4, packetsReceived: 100 });
    call.end();
    store.dismiss();
    store.place('1003');
    expect(store.quality).toBeNull();
  });

  it('shows a desktop notification for an incoming call while the tab is in the background, and closes it on answer', async () => {
    const shown: Array<{ title: string; closed: boolean }> = [];
    class FakeNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      entry: { title: string; closed: boolean };
      constructor(title: string) {
        this.entry = { title, closed: false };
        shown.push(this.entry);
      }
      close() {
        this.entry.closed = true;
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    try {
      const { store, phone } = await registered();
      const call = phone.incoming('1002', 'Bob');
      expect(shown).toEqual([{ title: 'Incoming call from Bob (1002)', closed: false }]);
      store.answer();
      call.connect();
      expect(shown[0]!.closed).toBe(true);
      hidden.mockReturnValue(false);
      call.end();
      phone.incoming('1003');
      expect(shown).toHaveLength(1); // in the foreground the page itself rings
    } finally {
      hidden.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it('unregisters and gives the SIP password up on sign-out', async () => {
    const { store, phone } = await registered();
    store.place('1002');
    await store.disconnect();
    expect(phone.calls[0]!.actions).toEqual(['hangup']);
    expect(phone.stopped).toBe(1);
    expect(sipApi.revokeCredentials).toHaveBeenCalledTimes(1);
    expect(store.registration).toBe('offline');
  });

  describe('attended transfer', () => {
    /** Ann (this page) talks to Bob, who called in; she consults 1003. */
    async function consulting() {
      const { store, phone } = await registered();
      const bob = phone.incoming('1002', 'Bob');
      store.answer();
      bob.connect();
      expect(store.consult('1003')).toBe(true);
      const carl = phone.calls.at(-1)!;
      bob.held(true, 'local');
      return { store, phone, bob, carl };
    }

    it('holds the caller and calls the target through the normal dialing path, showing both calls', async () => {
      const { store, phone, bob, carl } = await consulting();
      expect(bob.actions).toEqual(['answer', 'hold:true']);
      expect(phone.calls.map((c) => c.remote)).toEqual(['1003']);
      expect(store.call).toMatchObject({ remote: '1002', state: 'held' });
      expect(store.consultCall).toMatchObject({ remote: '1003', state: 'calling' });
      expect(store.consultation).toMatchObject({ phase: 'consulting', note: null });
      expect(store.busy).toBe(true);
      expect(store.consult('1004')).toBe(false); // one consultation at a time
      expect(store.place('1004')).toBe(false);
      carl.connect();
      expect(store.consultCall?.state).toBe('connected');
    });

    it('hears the target during the consultation and the caller again after returning', async () => {
      const { store, bob, carl } = await consulting();
      const bobAudio = { id: 'bob' } as unknown as MediaStream;
      const carlAudio = { id: 'carl' } as unknown as MediaStream;
      bob.listener?.remoteStream(bobAudio);
      carl.listener?.remoteStream(carlAudio);
      carl.connect();
      expect(store.remoteStream).toBe(carlAudio);
      store.returnToCaller();
      expect(store.remoteStream).toBe(bobAudio);
    });

    it('completes the transfer: a REFER with Replaces, both calls end, and it says so once', async () => {
      const { store, bob, carl } = await consulting();
      carl.connect();
      store.completeTransfer();
      expect(bob.actions).toEqual(['answer', 'hold:true', 'transfer-replacing:1003']);
      expect(store.consultation?.phase).toBe('completing');
      bob.transferAnswered(true);
      bob.end({ by: 'local', cause: 'Terminated' });
      carl.end({ by: 'local', cause: 'Terminated' });
      expect(store.consultation).toMatchObject({ phase: 'finished', note: 'completed' });
      expect(toast.toastSuccess).toHaveBeenCalledTimes(1);
      expect(toast.toastSuccess).toHaveBeenCalledWith('Call transferred.');
      expect(store.call?.state).toBe('ended');
      expect(store.busy).toBe(false);
      vi.advanceTimersByTime(5_000);
      expect(store.call).toBeNull();
      expect(store.consultation).toBeNull();
      expect(store.consultCall).toBeNull();
    });

    it('returns to the caller: the target call ends, the caller is resumed', async () => {
      const { store, bob, carl } = await consulting();
      carl.connect();
      store.returnToCaller();
      expect(carl.actions).toEqual(['hangup']);
      expect(bob.actions.at(-1)).toBe('hold:false');
      bob.held(false, 'local');
      expect(store.call?.state).toBe('connected');
      expect(store.consultCall).toBeNull();
      expect(store.consultation).toMatchObject({ phase: 'finished', note: 'returned' });
    });

    it('goes back to the held caller with the reason when the target is busy', async () => {
      const { store, bob, carl } = await consulting();
      carl.ring();
      carl.end({ status: 486, cause: 'Busy' });
      expect(store.consultation).toEqual({ phase: 'finished', note: 'target_unreachable', targetOutcome: 'busy' });
      expect(store.consultCall).toBeNull();
      expect(bob.actions.at(-1)).toBe('hold:false');
      expect(store.busy).toBe(true);
    });

    it('keeps talking to the target as the call in progress when the caller hangs up during the consultation', async () => {
      const { store, bob, carl } = await consulting();
      carl.connect();
      bob.end({ by: 'remote', cause: 'BYE' });
      expect(store.consultation).toMatchObject({ phase: 'finished', note: 'caller_left' });
      expect(store.call).toMatchObject({ remote: '1003', state: 'connected' });
      expect(store.consultCall).toBeNull();
      vi.advanceTimersByTime(10_000);
      expect(store.call?.remote).toBe('1003'); // not dismissed: it is in progress
      store.toggleMute();
      store.hangup();
      expect(carl.actions).toEqual(['mute:true', 'hangup']);
    });

    it('says the transfer was refused and keeps both calls', async () => {
      const { store, bob, carl } = await consulting();
      carl.connect();
      store.completeTransfer();
      bob.transferAnswered(false, 403);
      expect(store.consultation).toMatchObject({ phase: 'consulting', note: 'refused' });
      expect(toast.toastError).toHaveBeenCalledWith('The transfer was refused.');
      expect(store.call?.state).toBe('held');
      expect(store.consultCall?.state).toBe('connected');
      expect(carl.actions).toEqual([]);
    });

    it('tells a blind transfer went through, or that it was refused', async () => {
      const { store, phone } = await registered();
      store.place('1002');
      const call = phone.calls[0]!;
      call.connect();
      store.transfer('1003');
      call.transferAnswered(false, 603);
      expect(toast.toastError).toHaveBeenCalledWith('The transfer was refused.');
      store.transfer('1004');
      call.transferAnswered(true);
      expect(toast.toastSuccess).toHaveBeenCalledWith('Call transferred.');
    });

    it('hangs up both calls on sign-out during a consultation', async () => {
      const { store, bob, carl } = await consulting();
      await store.disconnect();
      expect(carl.actions).toEqual(['hangup']);
      expect(bob.actions.at(-1)).toBe('hangup');
    });
  });
});

import type { CallRecord, DestinationPreview } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as calls from '../../services/calls';
import * as historyApi from '../../services/history';
import * as sipApi from '../../services/sip';
import { useDialerStore } from '../../stores/dialer';
import { usePhoneStore } from '../../stores/phone';
import { useSessionStore } from '../../stores/session';
import { phones } from '@sipcall/phone/testing';
import { makeCallRecord, makeUser } from '../../test/fixtures';
import DialpadPanel from './DialpadPanel.vue';

vi.mock('../../services/calls', () => ({ previewDestination: vi.fn() }));
vi.mock('../../services/history', () => ({ listHistory: vi.fn() }));
vi.mock('../../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
// The phone system is there: the browser registers.
vi.mock('../../services/phoneSystem', () => ({ fetchPhoneSystem: async () => ({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' }) }));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));

/** A record that was not answered (no billed seconds). */
const unanswered = (over: Partial<CallRecord>) => makeCallRecord({ answeredAt: null, billsec: 0, ...over });

const ALLOWED: DestinationPreview = { kind: 'e164', number: '+49301234567', country: 'DE', allowed: true, reason: 'allowed', rate: null };
const PREMIUM: DestinationPreview = { kind: 'e164', number: '+499001234567', country: 'DE', allowed: false, reason: 'premium_rate', rate: null };


function mountDialpad() {
  const session = useSessionStore();
  session.accessToken = 'token';
  session.status = 'signedIn';
  session.user = makeUser();
  return mount(DialpadPanel);
}

/** The browser phone, registered. */
async function registerPhone() {
  await usePhoneStore().connect();
  phones.at(-1)!.register();
  await flushPromises();
}

/** Lets the debounced preview run and its answer arrive. */
async function settle() {
  await vi.advanceTimersByTimeAsync(300);
  await flushPromises();
}

describe('DialpadPanel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
    setActivePinia(createPinia());
    vi.mocked(calls.previewDestination).mockReset().mockResolvedValue(ALLOWED);
    vi.mocked(historyApi.listHistory).mockReset().mockResolvedValue({ items: [], nextCursor: null });
    phones.length = 0;
    vi.mocked(sipApi.fetchCredentials).mockReset().mockResolvedValue({ username: 'u1', password: 'pw', domain: 'sip.test', wssUrl: 'wss://sip.test', iceServers: [], expiresAt: '' });
  });
  afterEach(() => vi.useRealTimers());

  it('disables the call button with a reason while nothing is typed', () => {
    const wrapper = mountDialpad();
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeDefined();
    expect(wrapper.get('#dialpad-why').text()).toBe('Type a number to call.');
  });

  it('builds the number from the keypad and shows its international form and country', async () => {
    const wrapper = mountDialpad();
    await registerPhone();
    for (const key of ['0', '3', '0', '1', '2', '3']) await wrapper.get(`[data-testid="dialpad-key-${key}"]`).trigger('click');
    await wrapper.get('button[aria-label="Delete last digit"]').trigger('click');
    expect((wrapper.get('#dialpad-number').element as HTMLInputElement).value).toBe('03012');
    await settle();
    // asked once, for what was there when typing paused
    expect(calls.previewDestination).toHaveBeenCalledTimes(1);
    expect(calls.previewDestination).toHaveBeenCalledWith('03012');
    expect(wrapper.get('.dialpad__preview').text()).toBe('🇩🇪 +49 30 1234567 · Germany');
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeUndefined();
  });

  it('keeps only what can be dialled from a paste', async () => {
    const wrapper = mountDialpad();
    const input = wrapper.get('#dialpad-number');
    await input.trigger('paste', { clipboardData: { getData: () => ' tel:+49 (30) 123-456\t' } });
    expect((input.element as HTMLInputElement).value).toBe('+49 (30) 123-456');
    await input.setValue('0049abc30+1!');
    expect((input.element as HTMLInputElement).value).toBe('0049222301');
  });

  it('turns letters typed or pasted into keypad digits, and never leaves what it ignores in the field', async () => {
    const wrapper = mountDialpad();
    const input = wrapper.get('#dialpad-number');
    await input.setValue('0800 FLOWERS');
    expect((input.element as HTMLInputElement).value).toBe('0800 3569377');
    expect(useDialerStore().input).toBe('0800 3569377');
    // a character the field drops is gone from the screen too, even when the store's value did not change
    await input.setValue('0800 3569377!');
    expect((input.element as HTMLInputElement).value).toBe('0800 3569377');
    await input.setValue('');
    await input.trigger('paste', { clipboardData: { getData: () => '1-800-flowers' } });
    expect((input.element as HTMLInputElement).value).toBe('1-800-3569377');
  });

  it('shows the number grouped in international form with the country flag and name', async () => {
    vi.mocked(calls.previewDestination).mockResolvedValue({ kind: 'e164', number: '+498003569377', country: 'DE', allowed: true, reason: 'allowed', rate: null });
    const wrapper = mountDialpad();
    await wrapper.get('#dialpad-number').setValue('0800 FLOWERS');
    await settle();
    expect(calls.previewDestination).toHaveBeenCalledWith('0800 3569377');
    expect(wrapper.get('.dialpad__preview').text()).toBe('🇩🇪 +49 800 3569377 · Germany');
    // the flag is decoration: the country's name is what is read out
    expect(wrapper.get('.dialpad__flag').attributes('aria-hidden')).toBe('true');
  });

  it('shows the price per minute beside the country, and the connect fee when there is one', async () => {
    const rate = { destination: 'Berlin', perMinute: '0.012', connectFee: '0', increment: '60/60', minimumS: 0, currency: 'EUR' };
    vi.mocked(calls.previewDestination).mockResolvedValue({ ...ALLOWED, rate });
    const wrapper = mountDialpad();
    await wrapper.get('#dialpad-number').setValue('030 1234567');
    await settle();
    expect(wrapper.get('.dialpad__preview').text()).toBe('🇩🇪 +49 30 1234567 · Germany · €0.012/min');
    vi.mocked(calls.previewDestination).mockResolvedValue({ ...ALLOWED, rate: { ...rate, connectFee: '0.05' } });
    await wrapper.get('#dialpad-number').setValue('030 1234568');
    await settle();
    expect(wrapper.get('.dialpad__preview').text()).toBe('🇩🇪 +49 30 1234567 · Germany · €0.012/min + €0.05 to connect');
  });

  it('has * and # on the keypad and gives + when 0 is held', async () => {
    const wrapper = mountDialpad();
    const zero = wrapper.get('button[aria-label="0"]');
    expect(wrapper.findAll('.dialpad__keys button').map((b) => b.attributes('aria-label'))).toEqual(['1', '2 ABC', '3 DEF', '4 GHI', '5 JKL', '6 MNO', '7 PQRS', '8 TUV', '9 WXYZ', '*', '0', '#']);
    await zero.trigger('pointerdown');
    await vi.advanceTimersByTimeAsync(500);
    await zero.trigger('pointerup');
    await zero.trigger('click');
    await wrapper.get('button[aria-label="*"]').trigger('click');
    await wrapper.get('button[aria-label="#"]').trigger('click');
    expect((wrapper.get('#dialpad-number').element as HTMLInputElement).value).toBe('+*#');
    // how to get + is said to assistive technology too
    expect(wrapper.get(`#${zero.attributes('aria-describedby')!}`).text()).toBe('Hold 0 for + to dial an international number.');
  });

  it('explains a refused destination in words and keeps the button disabled', async () => {
    vi.mocked(calls.previewDestination).mockResolvedValue(PREMIUM);
    const wrapper = mountDialpad();
    await wrapper.get('#dialpad-number').setValue('0900 1234567');
    await settle();
    expect(wrapper.get('.dialpad__preview').text()).toBe('Premium-rate and shared-cost numbers cannot be called.');
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeDefined();
    await registerPhone();
    await wrapper.get('form').trigger('submit');
    expect(phones[0]!.calls).toHaveLength(0);
  });

  it('calls the international form from the browser phone and remembers the number as typed', async () => {
    const wrapper = mountDialpad();
    await registerPhone();
    await wrapper.get('#dialpad-number').setValue('030 1234567');
    await settle();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+49301234567']);
    expect(wrapper.findAll('.dialpad__recent-number').map((b) => b.text())).toEqual(['030 1234567']);
    expect(JSON.parse(localStorage.getItem('sipcall.recent.u1')!)).toEqual([{ number: '030 1234567', dialled: '+49301234567', at: expect.any(Number) }]);
    // one call at a time
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeDefined();
    expect(wrapper.get('#dialpad-why').text()).toBe('You are in a call.');
  });

  it('disables the call button with a reason while the browser phone is not registered', async () => {
    const wrapper = mountDialpad();
    await wrapper.get('#dialpad-number').setValue('030 1234567');
    await settle();
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeDefined();
    expect(wrapper.get('#dialpad-why').text()).toBe('Your browser phone is not connected yet, so calls cannot be placed.');
    await registerPhone();
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeUndefined();
    phones[0]!.events.registration('reconnecting');
    await flushPromises();
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeDefined();
  });

  it('shows each user only their own recent numbers, and forgets the typed number when the user changes', async () => {
    localStorage.setItem('sipcall.recent.u1', JSON.stringify(['+4315123456']));
    localStorage.setItem('sipcall.recent.u2', JSON.stringify(['+49301111111']));
    const wrapper = mountDialpad();
    await wrapper.get('#dialpad-number').setValue('030 99');
    const session = useSessionStore();
    session.user = { ...session.user!, id: 'u2', email: 'bob@example.com' };
    await flushPromises();
    expect(wrapper.findAll('.dialpad__recent-number').map((b) => b.text())).toEqual(['+49301111111']);
    expect((wrapper.get('#dialpad-number').element as HTMLInputElement).value).toBe('');
  });

  it('fills the field from a recent number', async () => {
    localStorage.setItem('sipcall.recent.u1', JSON.stringify(['+4315123456', 42]));
    const wrapper = mountDialpad();
    const recent = wrapper.findAll('.dialpad__recent-number');
    expect(recent.map((b) => b.text())).toEqual(['+4315123456']);
    await recent[0]!.trigger('click');
    expect((wrapper.get('#dialpad-number').element as HTMLInputElement).value).toBe('+4315123456');
  });

  it("lists the recent numbers of the user's own history, both directions, merged with this browser's", async () => {
    vi.setSystemTime(new Date('2026-11-20T12:00:00Z'));
    localStorage.setItem('sipcall.recent.u1', JSON.stringify([{ number: '030 1234567', dialled: '+49301234567', at: Date.parse('2026-11-20T11:00:00Z') }]));
    vi.mocked(historyApi.listHistory).mockResolvedValue({
      items: [
        unanswered({ id: 'a', direction: 'inbound', caller: '+4940555000', destination: '1001', startedAt: '2026-11-20T11:30:00.000Z' }),
        unanswered({ id: 'b', destination: '+49301234567', startedAt: '2026-11-20T10:59:00.000Z' }),
        unanswered({ id: 'c', destination: '+********567', startedAt: '2026-11-20T10:00:00.000Z' }),
        unanswered({ id: 'd', destination: '+4315123456', startedAt: '2026-11-19T10:00:00.000Z' }),
        unanswered({ id: 'e', destination: '+4940555000', startedAt: '2026-11-18T10:00:00.000Z' }),
      ],
      nextCursor: null,
    });
    const wrapper = mountDialpad();
    await flushPromises();
    // the user's own calls, even for an admin who could see everyone's
    expect(historyApi.listHistory).toHaveBeenCalledWith({ userId: 'u1' }, undefined, 50);
    expect(wrapper.findAll('.dialpad__recent-number').map((b) => b.text())).toEqual(['+49 40 555000', '030 1234567', '+43 1 5123456']);
    await wrapper.findAll('.dialpad__recent-number')[2]!.trigger('click');
    expect((wrapper.get('#dialpad-number').element as HTMLInputElement).value).toBe('+4315123456');
  });

  it("keeps this browser's recent numbers when history cannot be read", async () => {
    localStorage.setItem('sipcall.recent.u1', JSON.stringify(['+4315123456']));
    vi.mocked(historyApi.listHistory).mockRejectedValue(new Error('offline'));
    const wrapper = mountDialpad();
    await flushPromises();
    expect(wrapper.findAll('.dialpad__recent-number').map((b) => b.text())).toEqual(['+4315123456']);
  });
});

import type { DestinationPreview } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as calls from '../../services/calls';
import * as sipApi from '../../services/sip';
import { usePhoneStore } from '../../stores/phone';
import { useSessionStore } from '../../stores/session';
import { phones } from '../../test/fake-phone';
import { makeUser } from '../../test/fixtures';
import DialpadPanel from './DialpadPanel.vue';

vi.mock('../../services/calls', () => ({ previewDestination: vi.fn() }));
vi.mock('../../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
// The phone system is there: the browser registers.
vi.mock('../../services/phoneSystem', () => ({ fetchPhoneSystem: async () => ({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' }) }));
vi.mock('../../sip/jssip-phone', async () => ({ createJsSipPhone: (await import('../../test/fake-phone')).createFakePhone }));

const ALLOWED: DestinationPreview = { kind: 'e164', number: '+49301234567', country: 'DE', allowed: true, reason: 'allowed' };
const PREMIUM: DestinationPreview = { kind: 'e164', number: '+499001234567', country: 'DE', allowed: false, reason: 'premium_rate' };

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
    for (const key of ['0', '3', '0', '1', '2', '3']) await wrapper.get(`button[aria-label="${key}"]`).trigger('click');
    await wrapper.get('button[aria-label="Delete last digit"]').trigger('click');
    expect((wrapper.get('#dialpad-number').element as HTMLInputElement).value).toBe('03012');
    await settle();
    // asked once, for what was there when typing paused
    expect(calls.previewDestination).toHaveBeenCalledTimes(1);
    expect(calls.previewDestination).toHaveBeenCalledWith('03012');
    expect(wrapper.get('.dialpad__preview').text()).toBe('+49301234567 · Germany');
    expect(wrapper.get('.dialpad__call').attributes('disabled')).toBeUndefined();
  });

  it('keeps only what can be dialled from a paste', async () => {
    const wrapper = mountDialpad();
    const input = wrapper.get('#dialpad-number');
    await input.trigger('paste', { clipboardData: { getData: () => 'tel:+49 (30) 123-456\t' } });
    expect((input.element as HTMLInputElement).value).toBe('+49 (30) 123-456');
    await input.setValue('0049abc30+1');
    expect((input.element as HTMLInputElement).value).toBe('0049301');
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
    expect(JSON.parse(localStorage.getItem('sipcall.recent.u1')!)).toEqual(['030 1234567']);
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
});

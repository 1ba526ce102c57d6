import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as sipApi from '../../services/sip';
import { phones } from '../../test/fake-phone';
import { registeredPhone } from '../../test/session';
import CallPanel from './CallPanel.vue';

vi.mock('../../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
// The phone system is there: the browser registers.
vi.mock('../../services/phoneSystem', () => ({ fetchPhoneSystem: async () => ({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' }) }));
vi.mock('../../sip/jssip-phone', async () => ({ createJsSipPhone: (await import('../../test/fake-phone')).createFakePhone }));

async function setup() {
  const { store, phone } = await registeredPhone();
  return { store, phone, wrapper: mount(CallPanel) };
}

const button = (w: ReturnType<typeof mount>, name: string) => w.findAll('button').find((b) => b.text() === name)!;

describe('CallPanel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    phones.length = 0;
    vi.mocked(sipApi.fetchCredentials).mockResolvedValue({ username: 'u1', password: 'pw', domain: 'sip.test', wssUrl: 'wss://sip.test', iceServers: [], expiresAt: '' });
  });
  afterEach(() => vi.useRealTimers());

  it('shows nothing without a call', async () => {
    const { wrapper } = await setup();
    expect(wrapper.find('[data-testid=call-panel]').exists()).toBe(false);
  });

  it('names each state, runs the timer once connected, and enables only what the state allows', async () => {
    const { store, phone, wrapper } = await setup();
    store.place('+49301234567');
    await flushPromises();
    expect(wrapper.get('[data-testid=call-state]').text()).toBe('Calling…');
    expect(button(wrapper, 'Hold').attributes('disabled')).toBeDefined();
    expect(button(wrapper, 'Mute').attributes('disabled')).toBeDefined();
    phone.calls[0]!.ring(true);
    await flushPromises();
    expect(wrapper.get('[data-testid=call-state]').text()).toBe('Connecting (early media)…');
    phone.calls[0]!.connect();
    await vi.advanceTimersByTimeAsync(62_000);
    expect(wrapper.get('[data-testid=call-state]').text()).toBe('Connected 01:02');
    expect(button(wrapper, 'Hold').attributes('disabled')).toBeUndefined();
    await button(wrapper, 'Keypad').trigger('click');
    await wrapper.get('button[aria-label="DTMF 7"]').trigger('click');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '#' }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'x' }));
    await flushPromises();
    expect(wrapper.get('.call__digits').text()).toBe('7#');
    await button(wrapper, 'Transfer').trigger('click');
    await wrapper.get('#call-transfer').setValue('+49 30 999');
    await wrapper.get('.call__transfer').trigger('submit');
    expect(phone.calls[0]!.actions).toEqual(['dtmf:7:rfc2833', 'dtmf:#:rfc2833', 'transfer:+4930999']);
  });

  it('says in words why the switch refused the call', async () => {
    const { store, phone, wrapper } = await setup();
    store.place('+881612345678');
    phone.calls[0]!.end({ status: 403, reason: 'fraud_prefix' });
    await flushPromises();
    expect(wrapper.get('[data-testid=call-state]').text()).toBe('Call ended');
    expect(wrapper.get('[data-testid=call-outcome]').text()).toBe('Refused: This range is blocked because it is abused for toll fraud.');
    await button(wrapper, 'Close').trigger('click');
    expect(wrapper.find('[data-testid=call-panel]').exists()).toBe(false);
  });

  it('offers answer and decline for an incoming call', async () => {
    const { phone, wrapper } = await setup();
    const call = phone.incoming('1002', 'Bob');
    await flushPromises();
    expect(wrapper.get('.call__remote').text()).toBe('Bob');
    expect(wrapper.get('[data-testid=call-state]').text()).toBe('Incoming call');
    await button(wrapper, 'Decline').trigger('click');
    expect(call.actions).toEqual(['reject:decline']);
  });
});

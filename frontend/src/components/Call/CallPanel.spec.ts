import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as sipApi from '../../services/sip';
import { phones } from '@sipcall/phone/testing';
import { registeredPhone } from '../../test/session';
import * as toast from '../../util/toast';
import { useDialerStore } from '../../stores/dialer';
import CallPanel from './CallPanel.vue';

vi.mock('../../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
// The phone system is there: the browser registers.
vi.mock('../../services/phoneSystem', () => ({ fetchPhoneSystem: async () => ({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' }) }));
vi.mock('../../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));

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

  it('runs the cost of a priced call once it is answered, by the rate the dialpad showed', async () => {
    const { store, phone, wrapper } = await setup();
    useDialerStore().placedRate = { number: '+49301234567', rate: { destination: 'Berlin', perMinute: '0.01', connectFee: '0.05', increment: '30/6', minimumS: 0, currency: 'EUR' } };
    store.place('+49301234567');
    await flushPromises();
    expect(wrapper.find('[data-testid=call-cost]').exists()).toBe(false);
    phone.calls[0]!.connect();
    await vi.advanceTimersByTimeAsync(1_000);
    // the connect fee and the first 30 s
    expect(wrapper.get('[data-testid=call-cost]').text()).toBe('Cost so far: €0.055');
    await vi.advanceTimersByTimeAsync(60_000);
    // 61 s at 30/6 bills 66 s: 0.011 and the fee
    expect(wrapper.get('[data-testid=call-cost]').text()).toBe('Cost so far: €0.061');
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
    expect(wrapper.get('[data-testid=call-party-name]').text()).toBe('Bob');
    expect(wrapper.get('[data-testid=call-state]').text()).toBe('Incoming call');
    await button(wrapper, 'Decline').trigger('click');
    expect(call.actions).toEqual(['reject:decline']);
  });

  it('names the caller and never shows an internal id, and groups a number with its country', async () => {
    const { store, phone, wrapper } = await setup();
    const ann = phone.incoming('6f1c2e1a-7a55-4c55-9d3e-2f1f5a1b9c0d', 'Ann Admin');
    await flushPromises();
    expect(wrapper.get('#call-party').text()).toBe('Ann Admin');
    expect(wrapper.find('[data-testid=call-party-number]').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('6f1c2e1a');
    ann.end();
    store.dismiss();
    phone.incoming('+49301234567');
    await flushPromises();
    expect(wrapper.get('#call-party').text()).toBe('+49 30 1234567');
    expect(wrapper.get('[data-testid=call-party-number]').text()).toBe('🇩🇪 Germany');
  });

  it('says "Call ended" once, and the reason only when there is one', async () => {
    const { store, phone, wrapper } = await setup();
    store.place('1002');
    phone.calls[0]!.connect();
    phone.calls[0]!.end({ by: 'remote', cause: 'BYE' });
    await flushPromises();
    expect(wrapper.get('[data-testid=call-state]').text()).toMatch(/^Call ended/);
    expect(wrapper.find('[data-testid=call-outcome]').exists()).toBe(false);
    expect(wrapper.text().match(/Call ended/g)).toHaveLength(1);
  });

  it('moves focus to Answer when a call rings, to the name once answered, and back when the view closes', async () => {
    const { store, phone } = await setup();
    const before = document.createElement('button');
    document.body.append(before);
    before.focus();
    const wrapper = mount(CallPanel, { attachTo: document.body });
    const bob = phone.incoming('1002', 'Bob');
    await flushPromises();
    expect(document.activeElement?.textContent?.trim()).toBe('Answer');
    store.answer();
    bob.connect();
    await flushPromises();
    expect(document.activeElement?.id).toBe('call-party');
    // every button has a name a screen reader says
    for (const b of wrapper.findAll('button')) expect(b.text() || b.attributes('aria-label')).toBeTruthy();
    bob.end();
    store.dismiss();
    await flushPromises();
    expect(document.activeElement).toBe(before);
    wrapper.unmount();
    before.remove();
  });

  it('transfers after talking first: the caller waits on hold above, the consultation below, then completes', async () => {
    const { store, phone, wrapper } = await setup();
    const bob = phone.incoming('1002', 'Bob');
    store.answer();
    bob.connect();
    await flushPromises();
    await button(wrapper, 'Transfer').trigger('click');
    await wrapper.get('#call-transfer').setValue('1003');
    await button(wrapper, 'Talk first').trigger('click');
    bob.held(true, 'local');
    const carl = phone.calls.at(-1)!;
    expect(carl.remote).toBe('1003');
    carl.connect();
    await flushPromises();
    expect(wrapper.get('[data-testid=call-held]').text()).toContain('Bob');
    expect(wrapper.get('[data-testid=call-held]').text()).toContain('On hold');
    expect(wrapper.get('#call-party').text()).toBe('1003');
    expect(wrapper.get('[data-testid=call-state]').text()).toMatch(/^Connected/);
    await button(wrapper, 'Complete transfer').trigger('click');
    expect(bob.actions).toContain('transfer-replacing:1003');
    expect(wrapper.get('[data-testid=call-state]').text()).toMatch(/^Connecting Bob and 1003…/);
    bob.transferAnswered(true);
    bob.end({ by: 'local' });
    carl.end({ by: 'local' });
    await flushPromises();
    expect(wrapper.get('[data-testid=call-transfer-note]').text()).toBe('Bob and 1003 are now talking to each other.');
    expect(toast.toastSuccess).toHaveBeenCalledWith('Call transferred.');
  });

  it('returns to the caller with a sentence when the target is busy', async () => {
    const { store, phone, wrapper } = await setup();
    const bob = phone.incoming('1002', 'Bob');
    store.answer();
    bob.connect();
    store.consult('1003');
    bob.held(true, 'local');
    phone.calls.at(-1)!.end({ status: 486 });
    await flushPromises();
    expect(wrapper.find('[data-testid=call-held]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=call-transfer-note]').text()).toBe('1003 could not be reached: The line is busy. You are back with Bob.');
    expect(bob.actions.at(-1)).toBe('hold:false');
  });
});

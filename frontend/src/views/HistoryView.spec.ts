import type { CallRecord } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as calls from '../services/calls';
import * as contactsApi from '../services/contacts';
import * as api from '../services/history';
import { ApiError } from '../services/http';
import * as sipApi from '../services/sip';
import { useDialerStore } from '../stores/dialer';
import { dayBoundary } from '../stores/history';
import { usePhoneStore } from '../stores/phone';
import { useSessionStore } from '../stores/session';
import { makeCallRecord as record } from '../test/fixtures';
import { phones } from '@sipcall/phone/testing';
import { makeUser } from '../test/fixtures';
import HistoryView from './HistoryView.vue';

vi.mock('../services/history', () => ({ listHistory: vi.fn() }));
vi.mock('../services/calls', () => ({ previewDestination: vi.fn() }));
vi.mock('../services/contacts', () => ({ lookupNames: vi.fn().mockResolvedValue({}) }));
vi.mock('../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));
vi.mock('../services/users', () => ({
  listUsers: vi.fn().mockResolvedValue({ items: [{ id: 'u2', email: 'bob@example.com', displayName: 'Bob', role: 'user', disabled: false, createdAt: '', updatedAt: '' }], nextCursor: null }),
}));


function mountView(privacyMode = false, role: 'user' | 'admin' = 'user') {
  const session = useSessionStore();
  session.accessToken = 'token';
  session.status = 'signedIn';
  session.user = makeUser({ role, privacyMode });
  return mount(HistoryView);
}

/** The browser phone, registered. */
async function registerPhone() {
  await usePhoneStore().connect();
  phones.at(-1)!.register();
  await flushPromises();
}

describe('HistoryView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listHistory).mockReset();
    vi.mocked(calls.previewDestination).mockReset().mockResolvedValue({ kind: 'e164', number: '+49301234567', country: 'DE', allowed: true, reason: 'allowed', rate: null });
    phones.length = 0;
    vi.mocked(sipApi.fetchCredentials).mockReset().mockResolvedValue({ username: 'u1', password: 'pw', domain: 'sip.test', wssUrl: 'wss://sip.test', iceServers: [], expiresAt: '' });
  });


  it('shows placeholders, busy and "Loading…" for screen readers, only until the first page is in', async () => {
    let answer!: (page: { items: CallRecord[]; nextCursor: string | null }) => void;
    vi.mocked(api.listHistory).mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const wrapper = mountView();
    await flushPromises();
    const skeleton = wrapper.get('[data-testid=skeleton]');
    expect(skeleton.attributes('aria-busy')).toBe('true');
    expect(skeleton.get('.visually-hidden').text()).toBe('Loading…');
    expect(wrapper.find('[data-testid=history-table]').exists()).toBe(false);
    answer({ items: [record({})], nextCursor: null });
    await flushPromises();
    expect(wrapper.find('[data-testid=skeleton]').exists()).toBe(false);
    expect(wrapper.get('section').attributes('aria-busy')).toBe('false');
    expect(wrapper.get('[data-testid=history-table]').text()).toContain('+49301234567');
  });
  it('lists calls with the other number, country, talk time and the outcome in words', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({
      items: [
        record({}),
        record({ id: '2', answeredAt: null, billsec: 0, decision: 'refuse', reason: 'premium_rate', destination: '+499001234567', hangupCause: 'CALL_REJECTED' }),
        record({ id: '3', direction: 'inbound', caller: '+4940555000', destination: '1001', answeredAt: null, hangupCause: 'ORIGINATOR_CANCEL' }),
        record({ id: '4', destination: null }),
      ],
      nextCursor: null,
    });
    const wrapper = mountView();
    await flushPromises();
    const rows = wrapper.findAll('tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows[0]!.slice(1, 6)).toEqual(['Outgoing', '+49301234567', 'Germany', '1:05', 'Answered']);
    expect(rows[1]![5]).toBe('Refused: Premium-rate and shared-cost numbers cannot be called.');
    expect(rows[2]!.slice(1, 3)).toEqual(['Incoming', '+4940555000']);
    expect(rows[2]![5]).toBe('Cancelled');
    expect(rows[3]![2]).toBe('(erased)');
  });

  it('shows what each priced call cost, and an admin what the trunk cost and the margin', async () => {
    const charge = { billedS: 120, sell: { amount: '0.024', currency: 'EUR' }, carrier: { amount: '0.008', currency: 'EUR' }, margin: { amount: '0.016', currency: 'EUR' } };
    vi.mocked(api.listHistory).mockResolvedValue({ items: [record({ charge }), record({ id: '2', answeredAt: null, billsec: 0 })], nextCursor: null });
    const wrapper = mountView(false, 'admin');
    await flushPromises();
    expect(wrapper.findAll('thead th').map((h) => h.text())).toContain('Cost');
    const cells = wrapper.findAll('tbody tr').map((r) => r.find('td[data-label="Cost"]'));
    expect(cells.map((c) => c.text())).toEqual(['€0.024', '–']);
    expect(cells[0]!.attributes('title')).toBe('Carrier cost €0.008 · margin €0.016');
  });

  it('has no cost column while no call carries a price', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({ items: [record({})], nextCursor: null });
    const wrapper = mountView();
    await flushPromises();
    expect(wrapper.findAll('thead th').map((h) => h.text())).not.toContain('Cost');
  });

  it('masks numbers on screen with the toggle, starting from the account privacy mode', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({ items: [record({})], nextCursor: null });
    const wrapper = mountView(true);
    await flushPromises();
    expect(wrapper.get('.history__number').text()).toBe('+********567');
    await wrapper.get('.history__privacy input').setValue(false);
    expect(wrapper.get('.history__number').text()).toBe('+49301234567');
  });

  it('sends the filters (exact number, whole days, direction) and pages on with the cursor', async () => {
    vi.mocked(api.listHistory).mockResolvedValueOnce({ items: [record({})], nextCursor: 'next-1' }).mockResolvedValue({ items: [record({ id: '9' })], nextCursor: null });
    const wrapper = mountView();
    await flushPromises();
    const inputs = wrapper.findAll('form input');
    await inputs[0]!.setValue(' 030 1234567 ');
    await inputs[1]!.setValue('2026-11-01');
    await inputs[2]!.setValue('2026-11-02');
    await wrapper.get('form select').setValue('outbound');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(vi.mocked(api.listHistory).mock.calls[1]).toEqual([{ number: '030 1234567', from: dayBoundary('2026-11-01', false), to: dayBoundary('2026-11-02', true), direction: 'outbound' }, undefined]);
    await wrapper.findAll('button').find((b) => b.text() === 'Clear')!.trigger('click');
    await flushPromises();
    expect(vi.mocked(api.listHistory).mock.calls[2]![0]).toEqual({});
  });

  it('asks for the next page with the cursor and appends it', async () => {
    vi.mocked(api.listHistory).mockResolvedValueOnce({ items: [record({})], nextCursor: 'next-1' }).mockResolvedValue({ items: [record({ id: '9' })], nextCursor: null });
    const wrapper = mountView();
    await flushPromises();
    const more = wrapper.findAll('button').find((b) => b.text() === 'Show more')!;
    await more.trigger('click');
    await flushPromises();
    expect(vi.mocked(api.listHistory).mock.calls[1]![1]).toBe('next-1');
    expect(wrapper.findAll('tbody tr')).toHaveLength(2);
  });

  it('says so when the history cannot be loaded', async () => {
    vi.mocked(api.listHistory).mockRejectedValue(new ApiError(0, 'network', 'down'));
    const wrapper = mountView();
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toContain('cannot be reached');
  });

  it('shows admins whose call each was, and filters by user', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({ items: [record({ userId: 'u2' }), record({ id: '2', userId: null })], nextCursor: null });
    const wrapper = mountView(false, 'admin');
    await flushPromises();
    expect(wrapper.findAll('tbody tr').map((r) => r.findAll('td')[1]!.text())).toEqual(['Bob', '(no user)']);
    await wrapper.findAll('form select')[1]!.setValue('u2');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(vi.mocked(api.listHistory).mock.calls.at(-1)![0]).toEqual({ userId: 'u2' });
  });

  it('reads only well-formed days', () => {
    expect(dayBoundary('2026-13-45', false)).toBeUndefined();
    expect(dayBoundary('yesterday', false)).toBeUndefined();
    expect(new Date(dayBoundary('2026-11-02', true)!).getDate()).toBe(3);
  });

  it('calls a row back with one click: fills the dialpad and places the call from the browser phone', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({
      items: [record({}), record({ id: '3', direction: 'inbound', caller: '+4940555000', destination: '1001' })],
      nextCursor: null,
    });
    const wrapper = mountView();
    await registerPhone();
    await flushPromises();
    const buttons = wrapper.findAll('[data-testid=history-call]');
    expect(buttons.map((b) => b.attributes('aria-label'))).toEqual(['Call +49301234567 back', 'Call +4940555000 back']);
    expect(buttons.every((b) => b.attributes('disabled') === undefined)).toBe(true);
    expect(wrapper.get('#history-call-why').text()).toBe('');
    await buttons[1]!.trigger('click');
    await flushPromises();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+4940555000']);
    expect(useDialerStore().input).toBe('+4940555000');
    // one call at a time: every row says why it cannot call now
    expect(wrapper.findAll('[data-testid=history-call]').every((b) => b.attributes('disabled') !== undefined)).toBe(true);
    expect(wrapper.get('#history-call-why').text()).toBe('You are in a call.');
  });

  it('names the numbers the user’s contacts know, and offers to add those they do not', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({
      items: [record({}), record({ id: '3', direction: 'inbound', caller: '+4940555000', destination: '1001' })],
      nextCursor: null,
    });
    vi.mocked(contactsApi.lookupNames).mockResolvedValueOnce({ '+4940555000': 'Erin Ernst' });
    const wrapper = mountView();
    await flushPromises();
    expect(wrapper.findAll('[data-testid=history-contact-name]').map((n) => n.text())).toEqual(['Erin Ernst']);
    const add = wrapper.findAll('[data-testid=history-add-contact]');
    expect(add.map((b) => b.attributes('aria-label'))).toEqual(['Add to contacts: +49301234567']);
  });

  it('disables calling back, with the reason, while the browser phone is not registered', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({ items: [record({})], nextCursor: null });
    const wrapper = mountView();
    await flushPromises();
    const button = wrapper.get('[data-testid=history-call]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.attributes('aria-describedby')).toBe('history-call-why');
    expect(wrapper.get('#history-call-why').text()).toBe('Your browser phone is not connected yet, so calls cannot be placed.');
    await button.trigger('click');
    expect(useDialerStore().input).toBe('');
    await registerPhone();
    expect(wrapper.get('[data-testid=history-call]').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('#history-call-why').text()).toBe('');
  });

  it('cannot call back a number that is erased or masked by the server, but can when only the screen hides it', async () => {
    vi.mocked(api.listHistory).mockResolvedValue({ items: [record({ destination: null }), record({ id: '2', destination: '+********567' }), record({ id: '3' })], nextCursor: null });
    const wrapper = mountView();
    await registerPhone();
    await flushPromises();
    await wrapper.get('.history__privacy input').setValue(true);
    const buttons = wrapper.findAll('[data-testid=history-call]');
    expect(buttons.map((b) => b.attributes('disabled') !== undefined)).toEqual([true, true, false]);
    expect(buttons[0]!.attributes('title')).toBe('Call back not possible: the number is hidden or erased.');
    // the number hidden on screen stays out of the button's name too
    expect(buttons[2]!.attributes('aria-label')).toBe('Call +********567 back');
    await buttons[2]!.trigger('click');
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+49301234567']);
  });
});

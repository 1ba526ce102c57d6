import type { CallRecord } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../services/history';
import { ApiError } from '../services/http';
import { dayBoundary } from '../stores/history';
import { useSessionStore } from '../stores/session';
import { makeUser } from '../test/fixtures';
import HistoryView from './HistoryView.vue';

vi.mock('../services/history', () => ({ listHistory: vi.fn() }));
vi.mock('../services/users', () => ({
  listUsers: vi.fn().mockResolvedValue({ items: [{ id: 'u2', email: 'bob@example.com', displayName: 'Bob', role: 'user', disabled: false, createdAt: '', updatedAt: '' }], nextCursor: null }),
}));

const record = (over: Partial<CallRecord>): CallRecord => ({
  id: '1',
  callUuid: 'c1',
  userId: 'u1',
  direction: 'outbound',
  startedAt: '2026-11-20T10:00:00.000Z',
  answeredAt: '2026-11-20T10:00:05.000Z',
  endedAt: '2026-11-20T10:01:10.000Z',
  durationS: 70,
  billsec: 65,
  hangupCause: 'NORMAL_CLEARING',
  sipStatus: 200,
  decision: 'allow',
  reason: 'allowed',
  country: 'DE',
  destination: '+49301234567',
  caller: '1001',
  ...over,
});

function mountView(privacyMode = false, role: 'user' | 'admin' = 'user') {
  const session = useSessionStore();
  session.accessToken = 'token';
  session.status = 'signedIn';
  session.user = makeUser({ role, privacyMode });
  return mount(HistoryView);
}

describe('HistoryView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listHistory).mockReset();
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
    expect(rows[0]!.slice(1)).toEqual(['Outgoing', '+49301234567', 'Germany', '1:05', 'Answered']);
    expect(rows[1]![5]).toBe('Refused: Premium-rate and shared-cost numbers cannot be called.');
    expect(rows[2]!.slice(1, 3)).toEqual(['Incoming', '+4940555000']);
    expect(rows[2]![5]).toBe('Cancelled');
    expect(rows[3]![2]).toBe('(erased)');
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
    await wrapper.get('button.button:not([type=submit])').trigger('click'); // Clear
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
});

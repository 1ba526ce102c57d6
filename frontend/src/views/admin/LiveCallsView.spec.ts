import type { LiveCall } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as callsApi from '../../services/calls';
import * as phoneSystemApi from '../../services/phoneSystem';
import { parseLiveMessage } from '../../services/live';
import * as usersApi from '../../services/users';
import { useSessionStore } from '../../stores/session';
import { makeUser } from '../../test/fixtures';
import { formatTime } from '../../i18n/format';
import LiveCallsView from './LiveCallsView.vue';
import { confirmAction } from '../../util/confirm';

vi.mock('../../util/confirm', () => ({ confirmAction: vi.fn() }));

vi.mock('../../services/calls', () => ({ hangupCall: vi.fn() }));
vi.mock('../../services/users', () => ({ listUsers: vi.fn() }));
vi.mock('../../services/phoneSystem', () => ({ fetchPhoneSystem: vi.fn() }));

/** A WebSocket the test speaks for. */
class FakeSocket {
  static last: FakeSocket | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.last = this;
  }
  close() {
    this.closed = true;
  }
  send(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
}

const CALL: LiveCall = {
  id: 'a-leg',
  node: 'fs1:8021',
  legs: ['a-leg', 'b-leg'],
  direction: 'outbound',
  userId: 'u2',
  destination: '+49301234567',
  callerNumber: '1002',
  state: 'answered',
  startedAt: new Date(Date.now() - 65_000).toISOString(),
  answeredAt: new Date(Date.now() - 60_000).toISOString(),
};

describe('LiveCallsView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.mocked(usersApi.listUsers).mockResolvedValue({ items: [makeUser({ id: 'u2', email: 'bob@example.com', displayName: 'Bob' })], nextCursor: null });
    vi.mocked(callsApi.hangupCall).mockReset().mockResolvedValue(undefined);
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockReset().mockResolvedValue({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' });
    const session = useSessionStore();
    session.accessToken = 'token';
    session.status = 'signedIn';
  });
  afterEach(() => vi.unstubAllGlobals());

  it('opens the live socket with the token, shows the snapshot and each change, and drops ended calls', async () => {
    const wrapper = mount(LiveCallsView);
    await flushPromises();
    const socket = FakeSocket.last!;
    expect(socket.url).toMatch(/^ws:\/\/.+\/api\/live$/);
    expect(socket.protocols).toEqual(['sipcall.v1', 'bearer.token']);
    socket.onopen?.();
    socket.send({ type: 'snapshot', calls: [CALL] });
    await flushPromises();
    const cells = wrapper.findAll('tbody tr')[0]!.findAll('td').map((c) => c.text());
    expect(cells.slice(0, 5)).toEqual(['Bob', 'Outgoing', '1002', '+49301234567', 'Connected']);
    socket.send({ type: 'call', call: { ...CALL, state: 'held' } });
    await flushPromises();
    expect(wrapper.findAll('tbody tr')[0]!.findAll('td')[4]!.text()).toBe('On hold');
    socket.send({ type: 'call_ended', call: CALL, cause: 'NORMAL_CLEARING' });
    await flushPromises();
    expect(wrapper.findAll('tbody tr')).toHaveLength(0);
    expect(wrapper.text()).toContain('No calls right now.');
    wrapper.unmount();
    expect(socket.closed).toBe(true);
  });

  it('says no switch is connected rather than "Live · 0 calls" when none is configured', async () => {
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue({ configured: false, status: 'not_configured', nextRetryAt: null, wssUrl: null, switches: [] });
    const wrapper = mount(LiveCallsView);
    await flushPromises();
    FakeSocket.last!.onopen?.();
    await flushPromises();
    expect(wrapper.get('[data-testid=live-connection]').text()).toBe('No switch connected');
  });

  it('says the switch is unreachable, with when it is tried again', async () => {
    const retry = new Date(Date.now() + 20_000).toISOString();
    vi.mocked(phoneSystemApi.fetchPhoneSystem).mockResolvedValue({ configured: true, status: 'down', nextRetryAt: retry, wssUrl: 'wss://sip.example.test:7443', switches: [] });
    const wrapper = mount(LiveCallsView);
    await flushPromises();
    expect(wrapper.get('[data-testid=live-connection]').text()).toBe(`Switch unreachable, next try at ${formatTime(retry)}`);
    wrapper.unmount();
  });

  it('hangs a call up after confirmation, and not without', async () => {
    const confirm = vi.mocked(confirmAction).mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    const wrapper = mount(LiveCallsView);
    await flushPromises();
    FakeSocket.last!.send({ type: 'snapshot', calls: [CALL] });
    await flushPromises();
    const button = wrapper.get('tbody button');
    await button.trigger('click');
    await flushPromises();
    expect(callsApi.hangupCall).not.toHaveBeenCalled();
    await button.trigger('click');
    await flushPromises();
    expect(callsApi.hangupCall).toHaveBeenCalledWith('a-leg');
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(confirm.mock.calls[0]![0]).toMatchObject({ title: 'Hang up this call?', confirm: 'Hang up' });
  });

  it('ignores messages that are not what the server sends', () => {
    for (const bad of ['not json', '{"type":"call"}', '{"type":"snapshot","calls":"x"}', '{"type":"evil","call":{}}', 'null', 42]) expect(parseLiveMessage(bad)).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: 'snapshot', calls: [CALL, { nope: 1 }] }))).toEqual({ type: 'snapshot', calls: [CALL] });
  });
});

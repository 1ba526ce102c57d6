import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as sipApi from '../services/sip';
import { phones } from '@sipcall/phone/testing';
import { registeredPhone } from '../test/session';
import { useSipPhone } from './useSipPhone';

vi.mock('../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
// The phone system is there: the browser registers.
vi.mock('../services/phoneSystem', () => ({ fetchPhoneSystem: async () => ({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' }) }));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));

describe('useSipPhone', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    phones.length = 0;
    vi.mocked(sipApi.fetchCredentials).mockResolvedValue({ username: 'u1', password: 'pw', domain: 'sip.test', wssUrl: 'wss://sip.test', iceServers: [], expiresAt: '' });
  });

  it('shows the registration and the call as they change, and is live while connected or on hold', async () => {
    const { phone } = await registeredPhone();
    const sip = useSipPhone();
    expect(sip.registration).toBe('registered');
    expect(sip.place('1002')).toBe(true);
    const call = phone.calls[0]!;
    expect([sip.call?.state, sip.busy, sip.live]).toEqual(['calling', true, false]);
    call.connect();
    expect(sip.live).toBe(true);
    call.held(true, 'remote');
    expect([sip.call?.state, sip.live]).toEqual(['held', true]);
    sip.hangup();
    call.end({ by: 'local' });
    expect([sip.call?.state, sip.busy, sip.live]).toEqual(['ended', false, false]);
    expect(call.actions).toEqual(['hangup']);
  });
});

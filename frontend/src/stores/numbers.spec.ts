import type { Did, RoutingSettings } from '@sipcall/contract';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../services/numbers';
import { useNumbersStore } from './numbers';

vi.mock('../services/numbers', () => ({ listDids: vi.fn(), fetchRoutingSettings: vi.fn(), assignDid: vi.fn(), removeDid: vi.fn() }));

const did = (number: string): Did => ({ number, userId: 'u1', label: '', createdAt: '' });
const POLICY = { gateway: 'carrier' } as RoutingSettings;

describe('numbers store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listDids).mockReset().mockResolvedValue([did('+4930100'), did('+4930300')]);
    vi.mocked(api.fetchRoutingSettings).mockReset().mockResolvedValue(POLICY);
  });

  it('loads the numbers and the routing policy, keeps the list in order as numbers are added, and drops removed ones', async () => {
    vi.mocked(api.assignDid).mockResolvedValue(did('+4930200'));
    vi.mocked(api.removeDid).mockResolvedValue(undefined);
    const store = useNumbersStore();
    await store.load();
    expect(store.policy).toEqual(POLICY);
    await store.assign({ number: '030 200', userId: 'u1', label: '' });
    expect(store.dids.map((d) => d.number)).toEqual(['+4930100', '+4930200', '+4930300']);
    await store.remove('+4930100');
    expect(api.removeDid).toHaveBeenCalledWith('+4930100');
    expect(store.dids.map((d) => d.number)).toEqual(['+4930200', '+4930300']);
  });

  it('changes nothing when the server refuses a number', async () => {
    vi.mocked(api.assignDid).mockRejectedValue(new Error('did_taken'));
    const store = useNumbersStore();
    await store.load();
    await expect(store.assign({ number: '+4930100', userId: 'u2' })).rejects.toThrow('did_taken');
    expect(store.dids.map((d) => d.number)).toEqual(['+4930100', '+4930300']);
  });
});

import type { AuditEntry } from '@sipcall/contract';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../services/audit';
import { AUDIT_ACTIONS, useAuditStore } from './audit';

vi.mock('../services/audit', () => ({ listAudit: vi.fn() }));

const entry = (id: string): AuditEntry => ({
  id,
  at: '2026-11-20T10:00:00.000Z',
  actorId: null,
  actorEmail: 'ann@example.com',
  action: 'auth.login',
  outcome: 'ok',
  targetType: null,
  targetId: null,
  ip: '127.0.0.1',
  details: {},
});

describe('audit store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listAudit).mockReset();
  });

  it('loads the first page for one action, then appends the next with the cursor', async () => {
    vi.mocked(api.listAudit).mockResolvedValueOnce({ items: [entry('9'), entry('8')], nextCursor: '8' }).mockResolvedValueOnce({ items: [entry('7')], nextCursor: null });
    const store = useAuditStore();
    await store.load({ action: 'auth.login' });
    await store.load({ action: 'auth.login' }, true);
    expect(vi.mocked(api.listAudit).mock.calls).toEqual([[{ action: 'auth.login', cursor: undefined, limit: 100 }], [{ action: 'auth.login', cursor: '8', limit: 100 }]]);
    expect(store.items.map((e) => e.id)).toEqual(['9', '8', '7']);
    expect(store.nextCursor).toBeNull();
  });

  it('asks for every action without a filter, and starts over on a new first page', async () => {
    vi.mocked(api.listAudit).mockResolvedValueOnce({ items: [entry('9')], nextCursor: '9' }).mockResolvedValueOnce({ items: [entry('3')], nextCursor: null });
    const store = useAuditStore();
    await store.load();
    await store.load({ action: 'did.assign' });
    expect(vi.mocked(api.listAudit).mock.calls[0]![0].action).toBeUndefined();
    expect(store.items.map((e) => e.id)).toEqual(['3']);
  });

  it('asks by actor, target and dates, leaving out the ones not given', async () => {
    vi.mocked(api.listAudit).mockResolvedValueOnce({ items: [], nextCursor: null });
    await useAuditStore().load({ actorId: 'u1', targetId: '', from: '2026-11-20T00:00:00.000Z', to: undefined });
    expect(vi.mocked(api.listAudit).mock.calls[0]![0]).toEqual({ actorId: 'u1', from: '2026-11-20T00:00:00.000Z', cursor: undefined, limit: 100 });
  });

  it('offers each action once', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(AUDIT_ACTIONS).toContain('call.hangup');
  });
});

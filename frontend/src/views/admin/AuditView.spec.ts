import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../../services/audit';
import AuditView from './AuditView.vue';

vi.mock('../../services/audit', () => ({ listAudit: vi.fn(), listAuditTargets: vi.fn() }));
vi.mock('../../services/users', () => ({
  listUsers: vi.fn().mockResolvedValue({ items: [{ id: 'u2', email: 'bob@example.com', displayName: 'Bob', role: 'user', disabled: false, createdAt: '', updatedAt: '' }], nextCursor: null }),
}));

describe('AuditView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listAudit).mockReset().mockResolvedValue({ items: [], nextCursor: null });
    vi.mocked(api.listAuditTargets)
      .mockReset()
      .mockResolvedValue([
        { type: 'did', id: '+49305550100' },
        { type: 'call', id: '0b4a3f1e-1111-4111-8111-111111111111' },
        { type: 'user', id: 'u2' },
      ]);
  });

  it('offers every kind of target the trail records, not only users, and filters by kind and by one target', async () => {
    const wrapper = mount(AuditView);
    await flushPromises();
    const select = wrapper.get('[data-testid=audit-target]');
    const groups = select.findAll('optgroup').map((g) => [g.attributes('label'), g.findAll('option').map((o) => o.text())]);
    expect(groups).toEqual([
      ['Users', ['Any user', 'Bob']],
      ['Numbers', ['Any number', '+49 30 5550100']],
      ['Calls', ['Any call', 'Call 0b4a3f1e']],
      ['Rate decks', ['Any rate deck']],
    ]);

    await select.setValue('did:+49305550100');
    await flushPromises();
    expect(vi.mocked(api.listAudit).mock.calls.at(-1)![0]).toMatchObject({ targetType: 'did', targetId: '+49305550100' });
    await select.setValue('call:');
    await flushPromises();
    const last = vi.mocked(api.listAudit).mock.calls.at(-1)![0];
    expect(last.targetType).toBe('call');
    expect(last.targetId).toBeUndefined();
  });
});

import type { Analytics } from '@sipcall/contract';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../services/analytics';
import { useAnalyticsStore } from './analytics';

vi.mock('../services/analytics', () => ({ fetchAnalytics: vi.fn() }));

const REPORT = { totals: { calls: 3 } } as unknown as Analytics;
const NOW = new Date('2026-11-20T12:00:00.000Z');

describe('analytics store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.fetchAnalytics).mockReset().mockResolvedValue(REPORT);
  });

  it.each([
    ['day', '2026-11-19T12:00:00.000Z', 'hour'],
    ['week', '2026-11-13T12:00:00.000Z', 'hour'],
    ['month', '2026-10-21T12:00:00.000Z', 'day'],
    ['quarter', '2026-08-22T12:00:00.000Z', 'day'],
  ] as const)('asks for the last %s up to now, by %s', async (range, from, granularity) => {
    const store = useAnalyticsStore();
    await store.load(range, NOW);
    expect(api.fetchAnalytics).toHaveBeenCalledWith({ from, to: NOW.toISOString(), granularity });
    expect(store.report).toEqual(REPORT);
  });

  it('asks for any range by the hour up to a week, by the day beyond', async () => {
    const store = useAnalyticsStore();
    await store.loadBetween(new Date('2026-11-01T00:00:00.000Z'), new Date('2026-11-08T00:00:00.000Z'));
    await store.loadBetween(new Date('2026-01-01T00:00:00.000Z'), new Date('2026-11-08T00:00:00.000Z'));
    expect(vi.mocked(api.fetchAnalytics).mock.calls.map(([q]) => q.granularity)).toEqual(['hour', 'day']);
  });

  it('keeps the last report when a reload fails, and forgets it on reset', async () => {
    const store = useAnalyticsStore();
    await store.load('week', NOW);
    vi.mocked(api.fetchAnalytics).mockRejectedValue(new Error('down'));
    await expect(store.load('month', NOW)).rejects.toThrow('down');
    expect(store.report).toEqual(REPORT);
    store.reset();
    expect(store.report).toBeNull();
  });
});

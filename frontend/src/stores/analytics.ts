// Admin analytics: the report for a range that ends now, by the hour for a
// week or less, by the day beyond.
import type { Analytics } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../services/analytics';

/** The ranges offered, in days. */
export const RANGES = { day: 1, week: 7, month: 30, quarter: 90 } as const;
export type Range = keyof typeof RANGES;

const DAY_MS = 86_400_000;

export const useAnalyticsStore = defineStore('analytics', () => {
  const report = ref<Analytics | null>(null);

  async function load(range: Range, now = new Date()) {
    const days = RANGES[range];
    const from = new Date(now.getTime() - days * DAY_MS);
    report.value = await api.fetchAnalytics({ from: from.toISOString(), to: now.toISOString(), granularity: days <= 7 ? 'hour' : 'day' });
  }

  /** Forgets the last report: each visit to the page starts without one. */
  function reset() {
    report.value = null;
  }

  return { report, load, reset };
});

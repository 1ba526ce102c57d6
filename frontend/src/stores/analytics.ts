// Admin analytics: the report for a range that ends now, or any range an
// admin picks; by the hour for a week or less, by the day beyond.
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
    await loadBetween(new Date(now.getTime() - RANGES[range] * DAY_MS), now);
  }

  /** Any range (the server takes up to a year): by the hour for a week or less, by the day beyond. */
  async function loadBetween(from: Date, to: Date) {
    const granularity = to.getTime() - from.getTime() <= 7 * DAY_MS ? 'hour' : 'day';
    report.value = await api.fetchAnalytics({ from: from.toISOString(), to: to.toISOString(), granularity });
  }

  /** Forgets the last report: each visit to the page starts without one. */
  function reset() {
    report.value = null;
  }

  return { report, load, loadBetween, reset };
});

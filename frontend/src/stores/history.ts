// The call history page: filters, pages fetched by cursor, and the on-screen privacy toggle.
import type { CallDirection, CallRecord } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { ApiError } from '../services/http';
import * as api from '../services/history';
import { useSessionStore } from './session';

export interface HistoryFilterForm {
  number: string;
  from: string;
  to: string;
  direction: '' | CallDirection;
  /** Admins: one user's calls ('' for everyone's). */
  userId: string;
}

/** Turns a local yyyy-mm-dd into the start of that day (from) or of the next day (to), as ISO. */
export function dayBoundary(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

export const useHistoryStore = defineStore('history', () => {
  const session = useSessionStore();
  const filter = reactive<HistoryFilterForm>({ number: '', from: '', to: '', direction: '', userId: '' });
  const items = ref<CallRecord[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Masks numbers on screen, whatever the account's privacy mode. */
  const masked = ref(session.user?.privacyMode ?? false);
  let sequence = 0;

  function query(): api.HistoryFilter {
    const q: api.HistoryFilter = {};
    const number = filter.number.trim();
    if (number) q.number = number;
    const from = dayBoundary(filter.from, false);
    const to = dayBoundary(filter.to, true);
    if (from) q.from = from;
    if (to) q.to = to;
    if (filter.direction) q.direction = filter.direction;
    if (filter.userId) q.userId = filter.userId;
    return q;
  }

  async function load(more = false) {
    const mine = ++sequence;
    loading.value = true;
    error.value = null;
    try {
      const page = await api.listHistory(query(), more ? (nextCursor.value ?? undefined) : undefined);
      if (mine !== sequence) return;
      items.value = more ? [...items.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
    } catch (err) {
      if (mine === sequence) error.value = err instanceof ApiError ? err.code : 'unknown';
    } finally {
      if (mine === sequence) loading.value = false;
    }
  }

  function reset() {
    Object.assign(filter, { number: '', from: '', to: '', direction: '', userId: '' });
    void load();
  }

  return { filter, items, nextCursor, loading, error, masked, load, reset };
});

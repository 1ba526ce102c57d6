// The numbers a user called or was called from lately, for the dialpad: their
// call history (both directions, from any device) merged with what this
// browser dialled, which history has not seen yet while a call is still on.
import type { CallRecord } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import * as historyApi from '../services/history';
import { isDiallable } from '../util/phone-number';
import { useSessionStore } from './session';

export const RECENT_MAX = 10;
/** How many of the latest call records are read for the distinct numbers in them. */
const HISTORY_PAGE = 50;

export interface RecentNumber {
  /** What the list shows and the dialpad is filled with: as typed here, or as history keeps it. */
  number: string;
  /** What it was dialled as (E.164 or an extension), when known: two ways of writing one number are one entry. */
  dialled: string | null;
  /** When it was called, in ms since the epoch (0: not known). */
  at: number;
}

/** The number on the other end of a call. */
export const otherNumber = (r: CallRecord): string | null => (r.direction === 'inbound' ? r.caller : r.destination);

const sameNumberKey = (r: RecentNumber) => r.dialled ?? r.number.replace(/[^0-9+*#]/g, '');

/** Newest first, one entry per number (the newest way it was written), at most `max`. */
export function mergeRecent(local: readonly RecentNumber[], fromHistory: readonly RecentNumber[], max = RECENT_MAX): RecentNumber[] {
  const seen = new Set<string>();
  const merged: RecentNumber[] = [];
  // A stable sort keeps this browser's entry ahead of history's record of the same call.
  for (const entry of [...local, ...fromHistory].sort((a, b) => b.at - a.at)) {
    const key = sameNumberKey(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(entry);
    if (merged.length === max) break;
  }
  return merged;
}

/** History's records as recent numbers: erased and masked numbers cannot be called back, so they are left out. */
export function recentFromHistory(records: readonly CallRecord[]): RecentNumber[] {
  return records.flatMap((r) => {
    const n = otherNumber(r);
    return isDiallable(n) ? [{ number: n, dialled: n, at: Date.parse(r.startedAt) || 0 }] : [];
  });
}

export const useRecentNumbersStore = defineStore('recentNumbers', () => {
  const session = useSessionStore();
  const local = ref<RecentNumber[]>([]);
  const fromHistory = ref<RecentNumber[]>([]);
  const numbers = computed(() => mergeRecent(local.value, fromHistory.value));
  /** History is read once something shows the list, not by every page that can place a call. */
  let shown = false;

  // Recent numbers belong to whoever is signed in: another user in this tab sees theirs, never these.
  watch(
    () => session.user?.id ?? null,
    (userId) => {
      local.value = readLocal(userId);
      fromHistory.value = [];
      void refresh();
    },
    { immediate: true },
  );

  /** Reads the user's own latest calls (an admin's too: their own, not everyone's), and again when they may have changed. */
  function load(): Promise<void> {
    shown = true;
    return refresh();
  }
  async function refresh() {
    const userId = session.user?.id;
    if (!shown || !userId) return;
    try {
      const page = await historyApi.listHistory({ userId }, undefined, HISTORY_PAGE);
      if (session.user?.id === userId) fromHistory.value = recentFromHistory(page.items);
    } catch {
      // History away: this browser's list still serves.
    }
  }

  /** A number just called from this browser, as typed and as dialled. */
  function remember(number: string, dialled: string | null) {
    const userId = session.user?.id;
    if (!userId) return;
    local.value = mergeRecent([{ number, dialled, at: Date.now() }], local.value);
    writeLocal(userId, local.value);
  }

  return { numbers, load, refresh, remember };
});

const storageKey = (userId: string) => `sipcall.recent.${userId}`;

function readLocal(userId: string | null): RecentNumber[] {
  if (!userId) return [];
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]');
    if (!Array.isArray(stored)) return [];
    // Lists written before entries had a time are plain strings, newest first.
    return stored.flatMap((e: unknown, i): RecentNumber[] => {
      if (typeof e === 'string') return [{ number: e, dialled: null, at: -i }];
      if (e && typeof e === 'object' && typeof (e as RecentNumber).number === 'string') {
        const { number, dialled, at } = e as Partial<RecentNumber>;
        return [{ number: number!, dialled: typeof dialled === 'string' ? dialled : null, at: typeof at === 'number' ? at : -i }];
      }
      return [];
    }).slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

function writeLocal(userId: string, numbers: RecentNumber[]) {
  try {
    localStorage.setItem(storageKey(userId), JSON.stringify(numbers));
  } catch {
    // Private mode or a full storage: recent numbers are a convenience.
  }
}

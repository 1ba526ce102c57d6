// The dialpad's state: what is typed, what the backend says it would become,
// the numbers called recently (kept in this browser, per user), and placing a
// call through the user's registered phones.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError } from '../services/http';
import * as api from '../services/calls';
import { useSessionStore } from './session';

/** What may be typed or pasted: digits, a leading +, and visual separators. */
const KEEP = /[^0-9+ ().\-/]/g;
const MAX_LENGTH = 40;
const RECENT_MAX = 10;
const PREVIEW_DELAY_MS = 250;

export const useDialerStore = defineStore('dialer', () => {
  const session = useSessionStore();
  const input = ref('');
  const preview = ref<api.DestinationPreview | null>(null);
  const previewError = ref<string | null>(null);
  const placing = ref(false);
  /** The code of the last failed attempt (an ApiError code, or `network`). */
  const callError = ref<string | null>(null);
  const lastPlaced = ref<string | null>(null);
  const recent = ref<string[]>([]);
  // Recent numbers belong to whoever is signed in: another user in this tab sees theirs, never these.
  watch(
    () => session.user?.id ?? null,
    (userId) => {
      recent.value = readRecent(userId);
      input.value = '';
      lastPlaced.value = null;
    },
    { immediate: true },
  );

  const trimmed = computed(() => input.value.trim());
  /** Why the call button is disabled, or null when a call may be placed. */
  const blockedBy = computed<string | null>(() => {
    if (trimmed.value === '') return 'empty';
    if (placing.value) return 'placing';
    if (!preview.value) return previewError.value ? 'check_failed' : 'checking';
    if (!preview.value.allowed) return preview.value.reason;
    return null;
  });

  function set(value: string) {
    // Pasted text may carry letters, tabs or a "tel:" prefix: keep what can be dialled.
    const cleaned = value.replace(/^tel:/i, '').replace(KEEP, '').slice(0, MAX_LENGTH);
    input.value = cleaned.replace(/(?!^)\+/g, '');
  }
  const press = (key: string) => set(input.value + key);
  const backspace = () => set(input.value.slice(0, -1));

  let sequence = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(trimmed, (number) => {
    clearTimeout(timer);
    callError.value = null;
    lastPlaced.value = null;
    const mine = ++sequence;
    preview.value = null;
    previewError.value = null;
    if (number === '') return;
    timer = setTimeout(() => {
      session
        .authorized((token) => api.previewDestination(token, number))
        .then((p) => {
          if (mine === sequence) preview.value = p;
        })
        .catch((err: unknown) => {
          if (mine === sequence) previewError.value = err instanceof ApiError ? err.code : 'unknown';
        });
    }, PREVIEW_DELAY_MS);
  });

  async function call() {
    if (blockedBy.value !== null) return;
    const number = trimmed.value;
    placing.value = true;
    callError.value = null;
    try {
      await session.authorized((token) => api.placeCall(token, number));
      const placed = preview.value?.number ?? number;
      remember(number);
      lastPlaced.value = placed;
    } catch (err) {
      callError.value = err instanceof ApiError ? err.code : 'unknown';
    } finally {
      placing.value = false;
    }
  }

  function remember(number: string) {
    const userId = session.user?.id;
    if (!userId) return;
    recent.value = [number, ...recent.value.filter((n) => n !== number)].slice(0, RECENT_MAX);
    writeRecent(userId, recent.value);
  }

  function storageKey(userId: string) {
    return `sipcall.recent.${userId}`;
  }
  function readRecent(userId: string | null): string[] {
    if (!userId) return [];
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]');
      return Array.isArray(stored) ? stored.filter((n): n is string => typeof n === 'string').slice(0, RECENT_MAX) : [];
    } catch {
      return [];
    }
  }
  function writeRecent(userId: string, numbers: string[]) {
    try {
      localStorage.setItem(storageKey(userId), JSON.stringify(numbers));
    } catch {
      // Private mode or a full storage: recent numbers are a convenience.
    }
  }

  return { input, preview, previewError, placing, callError, lastPlaced, recent, blockedBy, set, press, backspace, call };
});

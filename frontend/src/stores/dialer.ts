// The dialpad's state: what is typed, what the backend says it would become,
// the numbers called recently (kept in this browser, per user), and placing a
// call from this browser's phone.
import type { DestinationPreview } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError } from '../services/http';
import * as api from '../services/calls';
import { cleanDialled } from '../util/phone-number';
import { usePhoneStore } from './phone';
import { useSessionStore } from './session';

const RECENT_MAX = 10;
const PREVIEW_DELAY_MS = 250;

export const useDialerStore = defineStore('dialer', () => {
  const session = useSessionStore();
  const phone = usePhoneStore();
  const input = ref('');
  const preview = ref<DestinationPreview | null>(null);
  const previewError = ref<string | null>(null);
  /** Why the last attempt could not start (`not_registered`, `busy`). */
  const callError = ref<string | null>(null);
  const recent = ref<string[]>([]);
  // Recent numbers belong to whoever is signed in: another user in this tab sees theirs, never these.
  watch(
    () => session.user?.id ?? null,
    (userId) => {
      recent.value = readRecent(userId);
      input.value = '';
    },
    { immediate: true },
  );

  const trimmed = computed(() => input.value.trim());
  /** Why the call button is disabled, or null when a call may be placed. */
  const blockedBy = computed<string | null>(() => {
    if (trimmed.value === '') return 'empty';
    if (phone.busy) return 'in_call';
    if (phone.registration !== 'registered') return 'not_registered';
    if (!preview.value) return previewError.value ? 'check_failed' : 'checking';
    if (!preview.value.allowed) return preview.value.reason;
    return null;
  });

  /** Typed or pasted text may carry letters (made keypad digits), tabs or a "tel:" prefix: the field keeps what can be dialled. */
  function set(value: string) {
    input.value = cleanDialled(value);
  }
  const press = (key: string) => set(input.value + key);
  const backspace = () => set(input.value.slice(0, -1));

  let sequence = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(trimmed, (number) => {
    clearTimeout(timer);
    callError.value = null;
    const mine = ++sequence;
    preview.value = null;
    previewError.value = null;
    if (number === '') return;
    timer = setTimeout(() => {
      api
        .previewDestination(number)
        .then((p) => {
          if (mine === sequence) preview.value = p;
        })
        .catch((err: unknown) => {
          if (mine === sequence) previewError.value = err instanceof ApiError ? err.code : 'unknown';
        });
    }, PREVIEW_DELAY_MS);
  });

  /** Calls the number as the backend normalised it, from this browser's phone. */
  function call() {
    if (blockedBy.value !== null) return;
    const number = trimmed.value;
    const target = preview.value?.number ?? number;
    if (!phone.place(target)) {
      callError.value = phone.busy ? 'busy' : 'not_registered';
      return;
    }
    remember(number);
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

  return { input, preview, previewError, callError, recent, blockedBy, set, press, backspace, call };
});

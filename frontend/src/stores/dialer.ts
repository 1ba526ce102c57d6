// The dialpad's state: what is typed, what the backend says it would become,
// and placing a call from this browser's phone — from the dialpad, or from
// anywhere that has a number to call back (stores/recent.ts keeps the recent ones).
import type { DestinationPreview, SellRate } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError } from '../services/http';
import * as api from '../services/calls';
import { cleanDialled } from '../util/phone-number';
import { usePhoneStore } from './phone';
import { useRecentNumbersStore } from './recent';
import { useSessionStore } from './session';

const PREVIEW_DELAY_MS = 250;
/** A call's record reaches history a moment after it ends. */
const HISTORY_SETTLE_MS = 3000;

/** Why the phone cannot place a call now, whatever the number. */
export type PhoneBlock = 'in_call' | 'not_registered';

export const useDialerStore = defineStore('dialer', () => {
  const session = useSessionStore();
  const phone = usePhoneStore();
  const input = ref('');
  const preview = ref<DestinationPreview | null>(null);
  const previewError = ref<string | null>(null);
  /** The sell rate of the call placed last from the dialpad, for the call panel's running cost. */
  const placedRate = ref<{ number: string; rate: SellRate } | null>(null);
  /** Why the last attempt could not start (`not_registered`, `busy`). */
  const callError = ref<string | null>(null);
  const recent = useRecentNumbersStore();
  // What is typed belongs to whoever is signed in.
  watch(
    () => session.user?.id ?? null,
    () => (input.value = ''),
  );
  // The call that just ended, and one that came in, show up among the recent numbers.
  let settle: ReturnType<typeof setTimeout> | undefined;
  watch(
    () => phone.busy,
    (busy, was) => {
      clearTimeout(settle);
      if (was && !busy) settle = setTimeout(() => void recent.refresh(), HISTORY_SETTLE_MS);
    },
  );

  const trimmed = computed(() => input.value.trim());
  /** Why no call can be placed now, whatever the number, or null. */
  const phoneBlockedBy = computed<PhoneBlock | null>(() => {
    if (phone.busy) return 'in_call';
    if (phone.registration !== 'registered') return 'not_registered';
    return null;
  });
  /** Why the call button is disabled, or null when a call may be placed. */
  const blockedBy = computed<string | null>(() => {
    if (trimmed.value === '') return 'empty';
    if (phoneBlockedBy.value) return phoneBlockedBy.value;
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
    const rate = preview.value?.rate ?? null;
    if (!phone.place(target)) {
      callError.value = phone.busy ? 'busy' : 'not_registered';
      return;
    }
    placedRate.value = rate && { number: target, rate };
    recent.remember(number, target);
  }

  /**
   * Calls back a number as history keeps it (E.164 or an extension, already
   * what the backend normalised): fills the dialpad with it and places the
   * call at once. False when the phone cannot call now.
   */
  function callBack(number: string): boolean {
    if (phoneBlockedBy.value !== null) return false;
    set(number);
    const target = trimmed.value;
    if (target === '' || !phone.place(target)) {
      callError.value = phone.busy ? 'busy' : 'not_registered';
      return false;
    }
    placedRate.value = null;
    recent.remember(target, target);
    return true;
  }

  return { input, preview, previewError, placedRate, callError, blockedBy, phoneBlockedBy, set, press, backspace, call, callBack };
});

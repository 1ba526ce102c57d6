// Whether there is a phone system to register with: no switch configured, a
// switch reachable, or every switch down (with when the backend tries again).
// The phone store asks before it registers and follows the changes.
import type { PhoneSystem } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as phoneSystemApi from '../services/phoneSystem';

// Asked again by a poll that backs off, not over the live socket: that socket
// opens only for the admins' live view and carries calls, while this answer
// changes only when an operator restarts SIPCall with a switch configured or
// a switch link drops or comes back. So: long waits while none is configured
// (only a restart changes that), the backend's own retry time while a switch
// is down (bounded), nothing while it is ready (the SIP connection says when
// it drops and asks again), and growing waits when the backend cannot be asked.
export const RECHECK_NOT_CONFIGURED_MS = 5 * 60_000;
export const RECHECK_DOWN_MS = { min: 5_000, max: 60_000 };
export const RECHECK_AFTER_ERROR_MS = [5_000, 15_000, 60_000, 300_000];
/** Answers this fresh are reused, so a flapping SIP connection cannot hammer the API. */
const FRESH_MS = 5_000;

export const usePhoneSystemStore = defineStore('phoneSystem', () => {
  const system = ref<PhoneSystem | null>(null);
  const status = computed(() => system.value?.status ?? null);
  let checkedAt = 0;
  let failures = 0;
  let inFlight: Promise<PhoneSystem | null> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let following = false;

  /** The current answer (fresh from the API unless one just came); null when the backend cannot say. */
  function check(): Promise<PhoneSystem | null> {
    if (system.value && Date.now() - checkedAt < FRESH_MS) return Promise.resolve(system.value);
    inFlight ??= phoneSystemApi
      .fetchPhoneSystem()
      .then(
        (answer) => {
          system.value = answer;
          checkedAt = Date.now();
          failures = 0;
          return answer;
        },
        () => {
          failures++;
          return null;
        },
      )
      .finally(() => {
        inFlight = null;
        schedule();
      });
    return inFlight;
  }

  /** When to ask again, from what the last answer said. */
  function nextCheckIn(): number | null {
    if (failures > 0) return RECHECK_AFTER_ERROR_MS[Math.min(failures, RECHECK_AFTER_ERROR_MS.length) - 1]!;
    const s = system.value;
    if (!s || s.status === 'ready') return null;
    if (s.status === 'not_configured') return RECHECK_NOT_CONFIGURED_MS;
    const untilRetry = s.nextRetryAt ? Date.parse(s.nextRetryAt) - Date.now() + 1_000 : RECHECK_DOWN_MS.min;
    return Math.min(RECHECK_DOWN_MS.max, Math.max(RECHECK_DOWN_MS.min, untilRetry));
  }

  function schedule() {
    clearTimeout(timer);
    timer = undefined;
    const delay = following ? nextCheckIn() : null;
    if (delay !== null) timer = setTimeout(() => void check(), delay);
  }

  /** Keeps the answer current while someone is signed in. */
  function follow() {
    following = true;
    return check();
  }

  function stop() {
    following = false;
    clearTimeout(timer);
    timer = undefined;
    system.value = null;
    checkedAt = 0;
    failures = 0;
  }

  return { system, status, check, follow, stop };
});

// A page's actions against the API, the way every page shows them: a flag
// while one runs, and what went wrong in words, naming the backend's error
// codes this page knows (the rest as "Something went wrong: …"). An action the
// user took (not a page loading) also says how it ended in a toast.
import { computed, ref } from 'vue';
import { t, type MessageKey } from '../i18n';
import { ApiError } from '../services/http';
import { toastError, toastSuccess } from '../util/toast';

export interface AsyncActionOptions {
  /** The page's own words for some of the backend's error codes (`did_taken`, say). */
  known?: Readonly<Record<string, MessageKey>>;
  /** The words for any other failure, given its {message}: error.generic unless said. */
  otherwise?: MessageKey;
}

export function useAsyncAction(options: AsyncActionOptions = {}) {
  const running = ref(0);
  const pending = computed(() => running.value > 0);
  const error = ref<string | null>(null);

  function explain(err: unknown): string {
    const known = err instanceof ApiError && options.known && Object.hasOwn(options.known, err.code) ? options.known[err.code] : undefined;
    return known ? t(known) : t(options.otherwise ?? 'error.generic', { message: err instanceof Error ? err.message : String(err) });
  }

  /**
   * Runs one action: forgets the last error, is pending meanwhile, and keeps a failure as words.
   * With `done` (the words for its success) it is something the user did: a toast says
   * `done`, or what went wrong. True when it succeeded.
   */
  async function run(action: () => Promise<unknown>, done?: string): Promise<boolean> {
    error.value = null;
    running.value++;
    try {
      await action();
      if (done !== undefined) toastSuccess(done);
      return true;
    } catch (err) {
      error.value = explain(err);
      if (done !== undefined) toastError(error.value);
      return false;
    } finally {
      running.value--;
    }
  }

  return { pending, error, run };
}

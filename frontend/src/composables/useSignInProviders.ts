// How one signs in here (GET /api/auth/providers), asked once per page load:
// the sign-in and forgotten-password pages offer what the server has.
import type { SignInProviders } from '@sipcall/contract';
import { ref } from 'vue';
import { providers as fetchProviders } from '../services/auth';

const known = ref<SignInProviders | null>(null);
let asking: Promise<void> | null = null;

export function useSignInProviders() {
  asking ??= fetchProviders()
    .then((p) => {
      known.value = p;
    })
    .catch(() => {
      // Unknown: the pages say to ask an admin, which is always true.
      asking = null;
    });
  return { providers: known, ready: asking };
}

/** For tests: forget what was asked. */
export function forgetSignInProviders(): void {
  known.value = null;
  asking = null;
}

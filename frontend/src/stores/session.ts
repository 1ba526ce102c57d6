// Who is signed in. The access token lives only in memory; the refresh token
// only in an httpOnly cookie. Refreshes are single-flight, and across tabs
// serialised with a Web Lock, because presenting a spent refresh token twice
// ends the session by design.
import type { Session, User } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as auth from '../services/auth';
import { ApiError, setTokenSource } from '../services/http';

export type SessionStatus = 'unknown' | 'signedOut' | 'signedIn';

/** A session that ended without the user signing out (its refresh was refused): when, and since when it had run in this tab. */
export interface SessionEnd {
  at: number;
  /** When the user signed in on this page; null when the session was picked up from the cookie. */
  signedInAt: number | null;
}

export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null);
  const accessToken = ref<string | null>(null);
  const status = ref<SessionStatus>('unknown');
  const isAdmin = computed(() => user.value?.role === 'admin');
  const ended = ref<SessionEnd | null>(null);
  let signedInAt: number | null = null;
  let refreshing: Promise<boolean> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function apply(session: Session) {
    // Signed in just now (a password, or Nextcloud's sign-in in another tab): the app's other
    // tabs and frames that share the cookie pick the session up.
    if (status.value !== 'signedIn') announce('signedIn');
    user.value = session.user;
    accessToken.value = session.accessToken;
    status.value = 'signedIn';
    clearTimeout(timer);
    // Renew a little before expiry so calls in progress never see a 401.
    timer = setTimeout(() => void restore(), Math.max(10, session.expiresIn * 0.8) * 1000);
  }

  function clear() {
    clearTimeout(timer);
    signedInAt = null;
    user.value = null;
    accessToken.value = null;
    status.value = 'signedOut';
  }

  async function login(email: string, password: string) {
    apply(await auth.login(email, password));
    signedInAt = Date.now();
    ended.value = null;
  }

  /** Uses the refresh cookie, if any, to get a session; false when there is none. */
  function restore(): Promise<boolean> {
    refreshing ??= withRefreshLock(async () => {
      try {
        apply(await auth.refresh());
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status !== 401 && err.status !== 429) throw err;
        // Refused while signed in: the session ran out or was ended elsewhere, and the login page says so.
        if (status.value === 'signedIn' && err instanceof ApiError && err.status === 401) ended.value = { at: Date.now(), signedInAt };
        clear();
        return false;
      }
    }).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function logout() {
    try {
      await auth.logout();
    } finally {
      clear();
    }
  }

  // Someone signed in in another tab or window of this browser (and of this storage partition):
  // a signed-out page restores from the cookie they share.
  listen('signedIn', () => {
    if (status.value !== 'signedIn') void restore().catch(() => false);
  });

  // Every API request carries this session's token and renews it here.
  setTokenSource({ current: () => accessToken.value, renew: restore });

  return { user, accessToken, status, isAdmin, ended, login, restore, logout };
});

const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('sipcall-session');
const announce = (event: 'signedIn') => channel?.postMessage(event);
function listen(event: 'signedIn', handler: () => void) {
  channel?.addEventListener('message', (e: MessageEvent) => {
    if (e.data === event) handler();
  });
}

function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return work();
  let started = false;
  return locks
    .request('sipcall-refresh', () => {
      started = true;
      return work();
    })
    .catch((err: unknown) => {
      // A frame of another site whose storage is blocked is refused locks too: this tab alone, then.
      if (!started && err instanceof DOMException && err.name === 'SecurityError') return work();
      throw err;
    });
}

import type { Session } from '@sipcall/contract';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as auth from '../services/auth';
import { ApiError, apiRequest } from '../services/http';
import { makeUser } from '../test/fixtures';
import { useSessionStore } from './session';

vi.mock('../services/auth', () => ({ login: vi.fn(), refresh: vi.fn(), logout: vi.fn() }));

const user = makeUser({ role: 'admin', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
const session = (token: string): Session => ({ user, accessToken: token, tokenType: 'Bearer', expiresIn: 600 });

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(auth.login).mockReset();
    vi.mocked(auth.refresh).mockReset();
    vi.mocked(auth.logout).mockReset();
  });

  it('is signed in after a successful login', async () => {
    vi.mocked(auth.login).mockResolvedValue(session('t1'));
    const store = useSessionStore();
    await store.login('ann@example.com', 'pw');
    expect(store.status).toBe('signedIn');
    expect(store.accessToken).toBe('t1');
    expect(store.isAdmin).toBe(true);
  });

  it('stays signed out when the login is refused', async () => {
    vi.mocked(auth.login).mockRejectedValue(new ApiError(401, 'invalid_credentials', 'Wrong email or password'));
    const store = useSessionStore();
    await expect(store.login('ann@example.com', 'bad')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(store.status).toBe('unknown');
    expect(store.accessToken).toBeNull();
  });

  it('restores a session from the refresh cookie, or settles on signed out', async () => {
    vi.mocked(auth.refresh).mockResolvedValueOnce(session('t2'));
    const store = useSessionStore();
    expect(await store.restore()).toBe(true);
    expect(store.accessToken).toBe('t2');
    vi.mocked(auth.refresh).mockRejectedValueOnce(new ApiError(401, 'invalid_refresh_token', 'no'));
    expect(await store.restore()).toBe(false);
    expect(store.status).toBe('signedOut');
  });

  it('restores inside a frame of another site whose storage (and so Web Locks) is refused', async () => {
    const refused = { request: vi.fn().mockRejectedValue(new DOMException('Access denied', 'SecurityError')) };
    vi.stubGlobal('navigator', { ...navigator, locks: refused });
    try {
      vi.mocked(auth.refresh).mockResolvedValueOnce(session('t3'));
      const store = useSessionStore();
      expect(await store.restore()).toBe(true);
      expect(store.accessToken).toBe('t3');
      expect(refused.request).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('tells the app’s other tabs when it signs in, and a signed-out tab picks the session up', async () => {
    const other = new BroadcastChannel('sipcall-session');
    const heard = new Promise((resolve) => other.addEventListener('message', (e) => resolve(e.data), { once: true }));
    vi.mocked(auth.login).mockResolvedValue(session('t4'));
    await useSessionStore().login('ann@example.com', 'pw');
    expect(await heard).toBe('signedIn');
    // Another tab, signed out: a sign-in elsewhere makes it restore from the shared cookie.
    setActivePinia(createPinia());
    const tab = useSessionStore();
    vi.mocked(auth.refresh).mockResolvedValue(session('t5'));
    other.postMessage('signedIn');
    await vi.waitFor(() => expect(tab.accessToken).toBe('t5'));
    other.close();
  });

  it('sends one refresh for many concurrent callers, never two with the same cookie', async () => {
    let resolve!: (s: Session) => void;
    vi.mocked(auth.refresh).mockReturnValue(new Promise((r) => (resolve = r)));
    const store = useSessionStore();
    const all = Promise.all([store.restore(), store.restore(), store.restore()]);
    resolve(session('t3'));
    expect(await all).toEqual([true, true, true]);
    expect(auth.refresh).toHaveBeenCalledTimes(1);
  });

  it('lends its token to every API request and renews an expired one through the refresh cookie', async () => {
    vi.mocked(auth.login).mockResolvedValue(session('old'));
    vi.mocked(auth.refresh).mockResolvedValue(session('new'));
    const store = useSessionStore();
    await store.login('ann@example.com', 'pw');
    const sent: Array<string | undefined> = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const authorization = (init.headers as Record<string, string>)['Authorization'];
        sent.push(authorization);
        return authorization === 'Bearer old' ? Response.json({ error: { code: 'token_expired', message: 'expired' } }, { status: 401 }) : Response.json({ ok: true });
      }),
    );
    try {
      expect(await apiRequest('/api/me')).toEqual({ ok: true });
      expect(sent).toEqual(['Bearer old', 'Bearer new']);
      expect(store.accessToken).toBe('new');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('is signed out after logout even when the server cannot be reached', async () => {
    vi.mocked(auth.login).mockResolvedValue(session('t'));
    vi.mocked(auth.logout).mockRejectedValue(new ApiError(0, 'network', 'offline'));
    const store = useSessionStore();
    await store.login('ann@example.com', 'pw');
    await expect(store.logout()).rejects.toBeInstanceOf(ApiError);
    expect(store.status).toBe('signedOut');
    expect(store.accessToken).toBeNull();
  });

  it('remembers when a session ended under the user (its renewal refused while signed in), with how long it ran', async () => {
    vi.useFakeTimers();
    try {
      vi.mocked(auth.login).mockResolvedValue(session('t1'));
      const store = useSessionStore();
      await store.login('ann@example.com', 'pw');
      const signedInAt = Date.now();
      vi.mocked(auth.refresh).mockRejectedValue(new ApiError(401, 'invalid_refresh_token', 'no'));
      // the token is renewed at 80 % of its 600 s
      await vi.advanceTimersByTimeAsync(480_000);
      expect(store.status).toBe('signedOut');
      expect(store.ended).toEqual({ at: signedInAt + 480_000, signedInAt });
    } finally {
      vi.useRealTimers();
    }
  });

  it('says nothing ended when there was no session to begin with, or the user signed out', async () => {
    vi.mocked(auth.refresh).mockRejectedValue(new ApiError(401, 'invalid_refresh_token', 'no'));
    const store = useSessionStore();
    expect(await store.restore()).toBe(false);
    expect(store.ended).toBeNull();
    vi.mocked(auth.login).mockResolvedValue(session('t1'));
    vi.mocked(auth.logout).mockResolvedValue(undefined);
    await store.login('ann@example.com', 'pw');
    await store.logout();
    expect(store.ended).toBeNull();
  });
});

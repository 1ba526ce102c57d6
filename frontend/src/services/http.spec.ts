import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiRequest, setTokenSource } from './http';

/** The fetch the page would do, answered by the test; records each request's URL and headers. */
function server(answer: (authorization: string | undefined) => Response) {
  const requests: Array<{ url: string; authorization: string | undefined; init: RequestInit }> = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const authorization = (init.headers as Record<string, string>)['Authorization'];
    requests.push({ url, authorization, init });
    return answer(authorization);
  });
  vi.stubGlobal('fetch', fetch);
  return requests;
}

const expired = () => Response.json({ error: { code: 'token_expired', message: 'expired' } }, { status: 401 });

describe('apiRequest', () => {
  let token: string | null;
  const renew = vi.fn<() => Promise<boolean>>();
  beforeEach(() => {
    token = 't1';
    renew.mockReset().mockImplementation(async () => {
      token = 't2';
      return true;
    });
    setTokenSource({ current: () => token, renew });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setTokenSource(null);
  });

  it('sends the access token, the query without empty fields, and a JSON body', async () => {
    const requests = server(() => Response.json({ ok: true }));
    expect(await apiRequest('/api/users', { method: 'POST', query: { q: 'ann', cursor: undefined, empty: '', limit: 5 }, body: { a: 1 } })).toEqual({ ok: true });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/api/users?q=ann&limit=5');
    expect(requests[0]!.authorization).toBe('Bearer t1');
    expect(requests[0]!.init).toMatchObject({ method: 'POST', body: '{"a":1}', credentials: 'same-origin' });
  });

  it('renews an expired token once and sends the request again with the new one', async () => {
    const requests = server((authorization) => (authorization === 'Bearer t1' ? expired() : Response.json({ ok: true })));
    expect(await apiRequest('/api/me')).toEqual({ ok: true });
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('gives the 401 back when the session cannot be renewed, and never asks twice', async () => {
    renew.mockResolvedValue(false);
    const requests = server(expired);
    await expect(apiRequest('/api/me')).rejects.toMatchObject({ status: 401, code: 'token_expired' });
    expect(requests).toHaveLength(1);
    renew.mockImplementation(async () => true); // renewed, yet refused again: no loop
    await expect(apiRequest('/api/me')).rejects.toMatchObject({ status: 401 });
    expect(requests).toHaveLength(3);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('does not renew for a request refused for another reason', async () => {
    server(() => Response.json({ error: { code: 'forbidden', message: 'no' } }, { status: 403 }));
    await expect(apiRequest('/api/users')).rejects.toMatchObject({ status: 403, code: 'forbidden', message: 'no' });
    expect(renew).not.toHaveBeenCalled();
  });

  it('sends nothing when no one is signed in', async () => {
    token = null;
    const requests = server(() => Response.json({}));
    await expect(apiRequest('/api/me')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(requests).toHaveLength(0);
  });

  it('signs in, refreshes and signs out without the access token', async () => {
    const requests = server(() => new Response(null, { status: 204 }));
    expect(await apiRequest('/api/auth/logout', { method: 'POST', anonymous: true })).toBeUndefined();
    expect(requests[0]!.authorization).toBeUndefined();
  });

  it('names an unreachable server and an error without a body', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(apiRequest('/api/me')).rejects.toEqual(new ApiError(0, 'network', 'The server cannot be reached'));
    server(() => new Response('<html>', { status: 502 }));
    await expect(apiRequest('/api/me')).rejects.toMatchObject({ status: 502, code: 'http_error', message: 'HTTP 502' });
  });
});

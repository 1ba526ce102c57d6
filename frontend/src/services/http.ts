// Plain fetch over the REST API. Requests carry the session's access token and
// renew it once when it expired, so callers just call the API. Errors come back
// as ApiError with the backend's stable code, so views can explain them in words.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What the backend said beyond the message (every bad line of a refused file, say). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Where the access token comes from: the session store plugs itself in. */
export interface TokenSource {
  /** The access token, or null when no one is signed in. */
  current(): string | null;
  /** Trades the refresh cookie for a new token: false when the session is over. */
  renew(): Promise<boolean>;
}

let tokens: TokenSource | null = null;

export function setTokenSource(source: TokenSource | null): void {
  tokens = source;
}

/** The access token now, for what cannot send a header (the live WebSocket). */
export const accessToken = (): string | null => tokens?.current() ?? null;

/** A fresh access token (after a refresh), or null when the session is over. */
export async function renewedAccessToken(): Promise<string | null> {
  return (await tokens?.renew()) ? accessToken() : null;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** A CSV file as the body, in place of JSON. */
  csv?: string;
  /** Sign-in, refresh and sign-out go on the refresh cookie alone, without the access token. */
  anonymous?: boolean;
}

export const apiRequest = <T>(path: string, options: RequestOptions = {}): Promise<T> => withToken((token) => send<T>(path, options, token, 'json'), options.anonymous);

/** A text answer (a CSV export) as text. */
export const apiText = (path: string, options: RequestOptions = {}): Promise<string> => withToken((token) => send<string>(path, options, token, 'text'), options.anonymous);

async function withToken<T>(request: (token: string | null) => Promise<T>, anonymous = false): Promise<T> {
  if (anonymous) return request(null);
  const token = accessToken();
  if (!token) throw new ApiError(401, 'unauthorized', 'Not signed in');
  try {
    return await request(token);
  } catch (err) {
    // An expired token: renew it once and try again; any other refusal stands.
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    const fresh = await renewedAccessToken();
    if (!fresh) throw err;
    return request(fresh);
  }
}

async function send<T>(path: string, options: RequestOptions, token: string | null, answer: 'json' | 'text'): Promise<T> {
  const headers: Record<string, string> = { Accept: answer === 'json' ? 'application/json' : 'text/csv, application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.csv !== undefined) headers['Content-Type'] = 'text/csv';
  if (token) headers['Authorization'] = `Bearer ${token}`;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') search.set(k, String(v));
  const url = search.size > 0 ? `${path}?${search}` : path;

  let res: Response;
  try {
    res = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.csv ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  if (res.ok && answer === 'text') return (await res.text()) as T;
  const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null;
  if (!res.ok) {
    throw new ApiError(res.status, payload?.error?.code ?? 'http_error', payload?.error?.message ?? `HTTP ${res.status}`, payload?.error?.details);
  }
  return payload as T;
}

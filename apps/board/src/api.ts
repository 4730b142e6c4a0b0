/**
 * Talking to the API: same origin, JSON, every request with the bearer token the user gave (kept in
 * localStorage): from the link `tinysweep up` prints (`#token=…`, taken once and dropped from the
 * address) or pasted under Token. A read the API refuses for want of a token asks for one.
 */
const TOKEN_KEY = 'tinysweep.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Whether the server said (in index.html) that it needs a token. */
export function tokenRequired(): boolean {
  return document.querySelector('meta[name="tinysweep-token-required"]')?.getAttribute('content') === 'true';
}

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

const tokenListeners = new Set<() => void>();

export function setToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage blocked: the token lasts for this page only
  }
  for (const l of tokenListeners) l();
}

export function onTokenChange(listener: () => void): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

/**
 * Takes a token from the address (`…#token=tsw_…`, the link `tinysweep up` prints) into storage and
 * removes it from the address and the history, so it is not bookmarked or shared with a link. A
 * fragment never reaches a server.
 */
export function adoptTokenFromLocation(): void {
  const m = /^#token=([^&]+)$/.exec(location.hash);
  if (!m) return;
  setToken(decodeURIComponent(m[1]!));
  history.replaceState(history.state, '', location.pathname + location.search);
}

const authListeners = new Set<(reason: string) => void>();

/** Called when the API refuses a read for want of a (valid) token. */
export function onAuthNeeded(listener: (reason: string) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

/** Whether an error means the token is missing, unknown, or its role does not allow the call. */
export function needsToken(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 401 || err.status === 403);
}

/** The headers every request carries: the token, when there is one. */
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Requests in flight; the browser tests and the benchmark wait for it to reach 0. */
let inflight = 0;
declare global {
  interface Window {
    __boardInflight?: () => number;
  }
}
if (typeof window !== 'undefined') window.__boardInflight = () => inflight; // not in unit tests (no DOM)

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  inflight++;
  try {
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      if (res.status === 401 && method === 'GET') {
        for (const l of authListeners) l(getToken() ? 'The API does not know this token: paste another.' : 'This server needs an API token to show anything: paste yours (tinysweep up prints a link that sets it).');
      }
      const message = (parsed as { message?: unknown } | undefined)?.message;
      throw new ApiError(res.status, typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : `${method} ${path}: HTTP ${res.status}`);
    }
    return parsed as T;
  } finally {
    inflight--;
  }
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  /** Saves what `path` answers as a file, under the name the server gives (a plain link cannot carry the token). */
  download: async (path: string, fallbackName: string): Promise<void> => {
    const res = await fetch(path, { headers: authHeaders() });
    if (!res.ok) {
      // The API's own words (an export it cannot make says why), else the status.
      const message = ((await res.json().catch(() => undefined)) as { message?: unknown } | undefined)?.message;
      throw new ApiError(res.status, typeof message === 'string' ? message : `${path}: HTTP ${res.status}`);
    }
    const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: named ?? fallbackName });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

/** Builds `path?a=1&b=2`, leaving out undefined and empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

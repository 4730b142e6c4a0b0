/**
 * Talking to the API: same origin, JSON. Reads are open; mutating calls carry the bearer token
 * the user pasted (kept in localStorage) when there is one.
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

/** Whether the server said (in index.html) that mutations need a token. */
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

/** Requests in flight; the browser tests and the benchmark wait for it to reach 0. */
let inflight = 0;
declare global {
  interface Window {
    __boardInflight?: () => number;
  }
}
window.__boardInflight = () => inflight;

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = getToken();
  if (method !== 'GET' && token) headers.authorization = `Bearer ${token}`;
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
};

/** Builds `path?a=1&b=2`, leaving out undefined and empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

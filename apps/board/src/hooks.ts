import { useEffect, useRef, useState } from 'preact/hooks';
import { api, onTokenChange } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True while a request is out (the previous data stays shown). */
  loading: boolean;
  reload: () => void;
}

/** Answers already on their way (parts of one bundled request), by the URL they stand for. */
const preloaded = new Map<string, { answer: Promise<unknown>; at: number }>();
/** A part not taken this soon is dropped: it was for a page that is gone. */
const PRELOAD_TTL_MS = 10_000;

/**
 * Registers answers that are already being fetched another way (a bundle), so that the first
 * `useFetch` of each URL takes its answer instead of asking the API again. Each is taken once.
 */
export function preload(parts: Record<string, Promise<unknown>>): void {
  for (const [url, answer] of Object.entries(parts)) {
    answer.catch(() => undefined); // whoever takes it sees the error; an untaken one is not unhandled
    preloaded.set(url, { answer, at: Date.now() });
  }
}

function takePreloaded<T>(url: string): Promise<T> | undefined {
  const hit = preloaded.get(url);
  preloaded.delete(url);
  return hit && Date.now() - hit.at < PRELOAD_TTL_MS ? (hit.answer as Promise<T>) : undefined;
}

/**
 * GETs `url` (null: nothing to load) whenever it or `version` changes. The previous data stays
 * until the new arrives, so live refreshes do not flicker; a superseded request is aborted.
 */
export function useFetch<T>(url: string | null, version = 0): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean; for?: string }>({ loading: url !== null });
  const [nonce, setNonce] = useState(0);
  useEffect(() => onTokenChange(() => setNonce((n) => n + 1)), []); // a new token: ask again
  useEffect(() => {
    if (url === null) {
      setState({ loading: false });
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    (takePreloaded<T>(url) ?? api.get<T>(url, ctrl.signal))
      .then((data) => !ctrl.signal.aborted && setState({ data, loading: false, for: url }))
      .catch((error: Error) => !ctrl.signal.aborted && setState((s) => ({ ...s, error, loading: false })));
    return () => ctrl.abort();
  }, [url, version, nonce]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setNonce((n) => n + 1) };
}

/** Calls `fn` every `ms` while mounted (and the tab is visible). */
export function useInterval(fn: () => void, ms: number): void {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState !== 'hidden') saved.current();
    }, ms);
    return () => clearInterval(id);
  }, [ms]);
}

/** A counter that `bump()` raises at most once per `ms` (trailing edge kept): live refreshes. */
export function useThrottledVersion(ms: number): [number, () => void] {
  const [version, setVersion] = useState(0);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const bump = () => {
    if (timer.current !== undefined) return;
    const wait = Math.max(0, last.current + ms - Date.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      last.current = Date.now();
      setVersion((v) => v + 1);
    }, wait);
  };
  return [version, bump];
}

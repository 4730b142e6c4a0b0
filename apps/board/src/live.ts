import { useEffect, useRef } from 'preact/hooks';
import type { Sweep, SweepEvent } from '@tinysweep/api-types';
import { authHeaders, onTokenChange } from './api';

/**
 * The `data:` payloads of the complete server-sent events in `buffer`, and what is left of it (an
 * event still arriving). Only what this API sends is handled: `data:` lines (joined by newlines),
 * anything else (`id:`, comments) skipped, events ended by a blank line.
 */
export function takeEvents(buffer: string): { events: string[]; rest: string } {
  const events: string[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
    if (data.length > 0) events.push(data.join('\n'));
  }
  return { events, rest };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Follows a server-sent event stream with fetch, so it carries the API token: EventSource cannot
 * send an Authorization header, and a token in the URL would land in logs. Reconnects after a
 * dropped connection (the server sends the current summary again); stops for good when the API
 * refuses the token (401, 403) or `signal` aborts.
 */
export async function followEvents(url: string, onData: (data: string) => void, signal: AbortSignal): Promise<void> {
  let backoff = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(url, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal });
      if (res.status === 401 || res.status === 403) return;
      if (res.ok && res.body) {
        backoff = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { events, rest } = takeEvents(buffer + value);
          buffer = rest;
          for (const e of events) onData(e);
        }
      }
    } catch {
      // dropped or aborted: try again below unless aborted
    }
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, 10_000);
  }
}

/**
 * Follows GET /sweeps/:id/events (server-sent events) while mounted: one `trial` event per trial
 * change, `sweep` summaries (the first when the stream opens; a sweep's status changes with its
 * trials in one transaction, so the summary read after the last trial is the final state). A new token
 * reconnects with it.
 */
export function useSweepEvents(sweepId: string | null, onEvent: (e: SweepEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!sweepId) return;
    let ctrl = new AbortController();
    const follow = () =>
      void followEvents(
        `/sweeps/${sweepId}/events`,
        (data) => {
          try {
            handler.current(JSON.parse(data) as SweepEvent);
          } catch {
            // not JSON: ignore
          }
        },
        ctrl.signal,
      );
    follow();
    const off = onTokenChange(() => {
      ctrl.abort();
      ctrl = new AbortController();
      follow();
    });
    return () => {
      off();
      ctrl.abort();
    };
  }, [sweepId]);
}

/**
 * Of the sweep shown and one just received (a stream summary or a GET answer, which can arrive
 * in either order), the one to show: the later by `updatedAt`; on a tie the one received last,
 * whose counts were read last. An older copy arriving late never takes a finished sweep back to
 * "running".
 */
export function newerSweep<S extends Pick<Sweep, 'updatedAt'>>(shown: S | undefined, received: S): S {
  if (!shown) return received;
  const a = Date.parse(shown.updatedAt);
  const b = Date.parse(received.updatedAt);
  return Number.isFinite(a) && Number.isFinite(b) && b < a ? shown : received;
}

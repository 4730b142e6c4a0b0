import { useEffect, useRef } from 'preact/hooks';
import type { Sweep, SweepEvent } from '@tinysweep/api-types';

/**
 * Follows GET /sweeps/:id/events (server-sent events) while mounted: one `trial` event per trial
 * change, `sweep` summaries (the first when the stream opens; a sweep's status changes with its
 * trials in one transaction, so the summary read after the last trial is the final state). EventSource
 * reconnects by itself after a dropped connection, and the server sends the current summary again.
 */
export function useSweepEvents(sweepId: string | null, onEvent: (e: SweepEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!sweepId) return;
    const source = new EventSource(`/sweeps/${sweepId}/events`);
    source.onmessage = (m: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(m.data) as SweepEvent);
      } catch {
        // not JSON: ignore
      }
    };
    return () => source.close();
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

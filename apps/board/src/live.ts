import { useEffect, useRef } from 'preact/hooks';
import type { SweepEvent } from './types';

/**
 * Follows GET /sweeps/:id/events (server-sent events) while mounted: one `trial` event per trial
 * change, `sweep` summaries. EventSource reconnects by itself after a dropped connection.
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

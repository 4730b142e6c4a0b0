import { Redis } from 'ioredis';

/** Redis channel carrying "this trial changed" notices from dispatchers to API replicas. */
export const SWEEP_EVENTS_CHANNEL = 'tinysweep:events';

export interface SweepEvent {
  sweepId: string;
  trialId: string;
  /** What changed: a trial started, reported progress, or finished. */
  kind: 'started' | 'progress' | 'finished' | 'cancelled';
}

/**
 * Change notices for live views (SSE, CLI watch). They carry ids only: a listener reads the
 * current state from Postgres, so a lost notice costs freshness, never correctness.
 */
export class SweepEvents {
  private pub?: Redis;
  private sub?: Redis;
  private pending: SweepEvent[] = [];
  private timer?: NodeJS.Timeout;

  /**
   * @param batchMs notices are sent at most this often, many per message: at hundreds of
   * trials a second one PUBLISH each cost the dispatcher more than its Postgres writes.
   */
  constructor(private readonly redisUrl: string, private readonly batchMs = 50) {}

  publish(e: SweepEvent): void {
    this.pending.push(e);
    this.timer ??= setTimeout(() => void this.flush(), this.batchMs);
  }

  /** Sends what is pending now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (!this.pub) {
      this.pub = new Redis(this.redisUrl, { maxRetriesPerRequest: 1 });
      this.pub.on('error', () => undefined);
    }
    try {
      await this.pub.publish(SWEEP_EVENTS_CHANNEL, JSON.stringify(batch));
    } catch {
      // live views are best effort: they refresh from Postgres on their next notice or poll
    }
  }

  async subscribe(onEvent: (e: SweepEvent) => void): Promise<void> {
    this.sub = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.sub.on('error', () => undefined);
    this.sub.on('message', (_c, text: string) => {
      let batch: SweepEvent[];
      try {
        batch = JSON.parse(text) as SweepEvent[];
      } catch {
        return; // ignore malformed notices
      }
      if (Array.isArray(batch)) for (const e of batch) onEvent(e);
    });
    await this.sub.subscribe(SWEEP_EVENTS_CHANNEL);
  }

  async close(): Promise<void> {
    await this.flush();
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}

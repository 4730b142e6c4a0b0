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

  constructor(private readonly redisUrl: string) {}

  async publish(e: SweepEvent): Promise<void> {
    if (!this.pub) {
      this.pub = new Redis(this.redisUrl, { maxRetriesPerRequest: 1 });
      this.pub.on('error', () => undefined);
    }
    try {
      await this.pub.publish(SWEEP_EVENTS_CHANNEL, JSON.stringify(e));
    } catch {
      // live views are best effort: they refresh from Postgres on their next notice or poll
    }
  }

  async subscribe(onEvent: (e: SweepEvent) => void): Promise<void> {
    this.sub = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.sub.on('error', () => undefined);
    this.sub.on('message', (_c, text: string) => {
      try {
        onEvent(JSON.parse(text) as SweepEvent);
      } catch {
        // ignore malformed notices
      }
    });
    await this.sub.subscribe(SWEEP_EVENTS_CHANNEL);
  }

  async close(): Promise<void> {
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}

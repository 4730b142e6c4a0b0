import type { SweepRepository } from '@tinysweep/db';

/**
 * Recomputes a sweep's status from its trials, coalescing bursts: a sweep finishing 500 trials
 * a second is recounted a few times a second, not 500.
 */
export class StatusRefresher {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly sweeps: SweepRepository, private readonly delayMs = 100) {}

  touch(sweepId: string): void {
    if (this.pending.has(sweepId)) return;
    this.pending.set(
      sweepId,
      setTimeout(() => {
        this.pending.delete(sweepId);
        void this.sweeps.refreshStatus(sweepId).catch(() => undefined);
      }, this.delayMs),
    );
  }

  /** Runs every pending refresh now (on shutdown). */
  async flush(): Promise<void> {
    const ids = [...this.pending.keys()];
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    await Promise.allSettled(ids.map((id) => this.sweeps.refreshStatus(id)));
  }
}

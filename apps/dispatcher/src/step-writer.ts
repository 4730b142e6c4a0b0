import type { StepRow, TrialRepository } from '@tinysweep/db';

/**
 * Buffers learning-curve points from every running trial and writes them in one INSERT per
 * flush, so a trial streaming 100 steps/s costs Postgres a few statements, not 100.
 */
export class StepWriter {
  private buffer: StepRow[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly trials: TrialRepository,
    private readonly flushMs: number,
    private readonly maxRows = 500,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  add(row: StepRow): void {
    this.buffer.push(row);
    if (this.buffer.length >= this.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is buffered; resolves when everything added before the call is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (rows.length === 0) return;
      try {
        await this.trials.appendSteps(rows);
      } catch (err) {
        this.onError(err); // a lost curve point must not fail the trial
      }
    });
    return this.flushing;
  }
}

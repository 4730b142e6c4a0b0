import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionError, isDataError, type StepRow, type TrialRepository } from '@tinysweep/db';

export interface StepWriterOptions {
  /** Points are written at most this long after they arrive. */
  flushMs: number;
  /** A batch this big is written at once. @defaultValue 500 */
  maxRows?: number;
  /**
   * While Postgres is away, a batch is tried again (0.1 s, 0.2 s, … 5 s apart) for this long before
   * its points are given up. @defaultValue 300000
   */
  retryForMs?: number;
  /** Points given up (Postgres away too long, or values it refuses), and why. */
  onDropped?: (count: number, reason: string) => void;
}

/**
 * Buffers learning-curve points from every running trial and writes them in one INSERT per
 * flush, so a trial streaming 100 steps/s costs Postgres a few statements, not 100. A batch that
 * meets a Postgres outage is kept and tried again (a curve with holes is a curve lost); a batch
 * Postgres refuses for its values is written point by point, so one poison point is dropped alone.
 */
export class StepWriter {
  private buffer: StepRow[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly o: Required<StepWriterOptions>;

  constructor(
    private readonly trials: TrialRepository,
    opts: StepWriterOptions,
  ) {
    this.o = { maxRows: 500, retryForMs: 300_000, onDropped: () => undefined, ...opts };
  }

  add(row: StepRow): void {
    this.buffer.push(row);
    if (this.buffer.length >= this.o.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.o.flushMs);
  }

  /** Writes what is buffered; resolves when everything added before the call is stored (or given up). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => this.write(rows));
    return this.flushing;
  }

  private async write(rows: StepRow[]): Promise<void> {
    if (rows.length === 0) return;
    const until = Date.now() + this.o.retryForMs;
    for (let pause = 100; ; pause = Math.min(2 * pause, 5000)) {
      try {
        const stored = await this.trials.appendSteps(rows);
        if (stored < rows.length) this.o.onDropped(rows.length - stored, 'a step that is not a whole number below 2^53');
        return;
      } catch (err) {
        if (isDataError(err) && rows.length > 1) return this.writeEach(rows);
        if (!isConnectionError(err) || Date.now() + pause > until) {
          this.o.onDropped(rows.length, (err as Error).message);
          return;
        }
        await sleep(pause);
      }
    }
  }

  private async writeEach(rows: StepRow[]): Promise<void> {
    for (const row of rows) await this.write([row]);
  }
}

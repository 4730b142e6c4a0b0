/**
 * Estimates time to completion from the rate trials finish at: over the last `window` changes of the
 * done count (and, before any change is seen, since the sweep was created), so a watch that starts
 * half-way through a sweep shows an ETA at once.
 */

export interface EtaSample {
  /** Epoch milliseconds. */
  at: number;
  done: number;
}

export class EtaEstimator {
  private samples: EtaSample[];

  /**
   * @param origin where counting started: `{ at: createdAt, done: 0 }` for a sweep's whole history
   * @param window how many recent changes of the done count the rate is taken over
   */
  constructor(
    origin: EtaSample,
    private readonly window = 20,
  ) {
    this.samples = [origin];
  }

  /** Records the done count at `at` (only changes are kept). */
  observe(done: number, at: number): void {
    const last = this.samples[this.samples.length - 1]!;
    if (done === last.done) return;
    if (done < last.done) {
      // A retried trial went back to the queue: restart the estimate from here.
      this.samples = [{ at, done }];
      return;
    }
    this.samples.push({ at, done });
    if (this.samples.length > this.window + 1) this.samples.splice(0, this.samples.length - this.window - 1);
  }

  /** Milliseconds until `total` trials are done at the current rate; undefined while there is no rate. */
  etaMs(total: number, now: number): number | undefined {
    const base = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const remaining = total - last.done;
    if (remaining <= 0) return 0;
    const progressed = last.done - base.done;
    const elapsed = now - base.at;
    if (progressed <= 0 || elapsed <= 0) return undefined;
    return (remaining * elapsed) / progressed;
  }
}

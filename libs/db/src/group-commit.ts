/**
 * Group commit: writes submitted while a write is in flight wait for it and then go together, as one
 * statement (one transaction, one WAL flush). Alone, a write goes at once — no timer, so no latency
 * is added when little happens; under load, N concurrent writes cost about one flush instead of N.
 * Written by hand: it is a dozen lines over a write function, and no library batches by "whatever
 * arrived while the last batch was in flight".
 */
export class GroupCommit<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  /**
   * @param write writes a batch; resolves with one output per item, in order
   * @param keyOf items with the same key never share a batch (the later one waits for the next)
   * @param opts.maxBatch items per batch at most (500)
   * @param opts.alone errors after which each item of the failed batch is written alone, so that
   *   only the items that cause them fail (e.g. a value Postgres refuses); other errors fail the batch
   */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly keyOf: (item: I) => string,
    private readonly opts: { maxBatch?: number; alone?: (err: unknown) => boolean } = {},
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch: typeof this.queue = [];
        const rest: typeof this.queue = [];
        const keys = new Set<string>();
        for (const q of this.queue) {
          const key = this.keyOf(q.item);
          if (batch.length < (this.opts.maxBatch ?? 500) && !keys.has(key)) {
            keys.add(key);
            batch.push(q);
          } else {
            rest.push(q);
          }
        }
        this.queue = rest;
        try {
          const out = await this.write(batch.map((q) => q.item));
          batch.forEach((q, i) => q.resolve(out[i] as O));
        } catch (err) {
          if (batch.length > 1 && this.opts.alone?.(err)) {
            for (const q of batch) await this.write([q.item]).then((out) => q.resolve(out[0] as O), q.reject);
          } else {
            for (const q of batch) q.reject(err);
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

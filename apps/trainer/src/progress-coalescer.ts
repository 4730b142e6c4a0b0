/**
 * Keeps a program that floods progress events (a print per step at thousands of steps a second)
 * from flooding the stream, the dispatcher and Postgres. Events pass as they come while a token
 * bucket allows (`burst` at once, refilled at `perSecond`); beyond it they are coalesced into the
 * next one sent (its step, their metrics merged, newest value per metric), which goes out as soon as
 * a token is back. Past `maxEvents` per attempt only what must be reported goes out. Steps in `keep`
 * (an ASHA sweep's rungs) always go out as they are, and `flush` sends what is pending at the end,
 * so the last step is never lost.
 */
export interface ProgressCoalescerOptions {
  /** Events that may go out at once. @defaultValue 100 */
  burst?: number;
  /** Events a second, sustained. @defaultValue 50 */
  perSecond?: number;
  /** @defaultValue 10000 */
  maxEvents?: number;
  /** Steps never coalesced. @defaultValue none */
  keep?: ReadonlySet<number>;
  /** Clock in ms (tests). @defaultValue performance.now */
  now?: () => number;
}

export class ProgressCoalescer {
  private readonly opts: Required<ProgressCoalescerOptions>;
  private pending?: { step: number; metrics: Record<string, number> };
  private tokens: number;
  private refilledAt: number;
  private timer?: NodeJS.Timeout;
  /** Events sent / folded into others. */
  sent = 0;
  coalesced = 0;

  constructor(
    private readonly send: (step: number, metrics: Record<string, number>) => void,
    opts: ProgressCoalescerOptions = {},
  ) {
    this.opts = { burst: 100, perSecond: 50, maxEvents: 10_000, keep: new Set(), now: () => performance.now(), ...opts };
    this.tokens = this.opts.burst;
    this.refilledAt = this.opts.now();
  }

  push(step: number, metrics: Record<string, number>): void {
    if (this.pending) {
      this.coalesced++;
      this.pending = { step, metrics: { ...this.pending.metrics, ...metrics } };
    } else {
      this.pending = { step, metrics };
    }
    if (this.opts.keep.has(step) || (this.sent < this.opts.maxEvents && this.take())) this.flush();
    else if (this.sent < this.opts.maxEvents) this.timer ??= setTimeout(() => this.take() && this.flush(), 1000 / this.opts.perSecond).unref();
  }

  /** Sends what is pending now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const { step, metrics } = this.pending;
    this.pending = undefined;
    this.sent++;
    this.send(step, metrics);
  }

  /** Takes a token if one is there (refilled for the time since the last look). */
  private take(): boolean {
    const now = this.opts.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.opts.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

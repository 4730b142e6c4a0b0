/**
 * What `tinysweep watch` knows about one sweep: the latest summary (counts, status, best) and every trial
 * it has seen, from the first snapshot, the event stream or polling. Pure state; no I/O.
 */
import type { Sweep, SweepEvent, TrainerNode, TrainerWork, Trial } from '@tinysweep/api-types';
import { isTerminalSweepStatus } from '../api-types.js';
import { rankByMetric } from '../format/trials-table.js';

export class SweepTracker {
  private current: Sweep;
  private readonly trials = new Map<string, Trial>();
  private work: Array<{ node: string; work: TrainerWork[] }> = [];

  constructor(summary: Sweep) {
    this.current = summary;
  }

  get summary(): Sweep {
    return this.current;
  }

  get metric(): string {
    return this.current.metric;
  }

  get maximize(): boolean {
    return this.current.maximize;
  }

  /** Trials that reached a final status: succeeded, failed, cancelled or stopped (by ASHA). */
  get done(): number {
    const c = this.current.counts;
    return c.succeeded + c.failed + c.cancelled + c.stopped;
  }

  /** Trials in the sweep; never less than the counts add up to. */
  get total(): number {
    const c = this.current.counts;
    return Math.max(this.current.trialCount, c.queued + c.running + c.succeeded + c.failed + c.cancelled + c.stopped);
  }

  get terminal(): boolean {
    return isTerminalSweepStatus(this.current.status);
  }

  applySummary(summary: Sweep): void {
    if (summary.id !== this.current.id) return;
    this.current = summary;
  }

  /** What the trainers are doing for this sweep, from `GET /nodes`. */
  applyNodes(nodes: readonly TrainerNode[]): void {
    this.work = nodes
      .map((n) => ({ node: n.id, work: (n.work ?? []).filter((w) => w.sweepId === this.current.id) }))
      .filter((n) => n.work.length > 0);
  }

  /** Trainers busy with this sweep, and with what (see {@link applyNodes}). */
  get trainers(): ReadonlyArray<{ node: string; work: TrainerWork[] }> {
    return this.terminal ? [] : this.work;
  }

  applyTrial(trial: Trial): void {
    this.trials.set(trial.id, trial);
  }

  apply(event: SweepEvent): void {
    if (event.type === 'sweep') this.applySummary(event.sweep);
    else if (event.type === 'trial') this.applyTrial(event.trial);
  }

  /** Every trial seen so far. */
  knownTrials(): Trial[] {
    return [...this.trials.values()];
  }

  /** The best `n` succeeded trials by the sweep's metric. */
  top(n: number): Trial[] {
    return rankByMetric(this.trials.values(), this.metric, this.maximize).slice(0, n);
  }
}

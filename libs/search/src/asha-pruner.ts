/**
 * Asynchronous successive halving (ASHA, Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020), as a stopping rule the way Ray Tune's ASHAScheduler and Optuna's
 * SuccessiveHalvingPruner apply it: every trial starts; rungs sit at minIterations·η^k iterations
 * (k = 0, 1, … while below maxIterations); a trial reaching a rung continues only if its value there
 * is among the top 1/η of the values recorded at that rung so far, itself included — else it stops.
 * Nothing waits for a rung to fill: the first trials to arrive compete with fewer (the first one at a
 * rung always continues), which is what makes it asynchronous.
 *
 *   const asha = new AshaPruner({ minIterations: 3, maxIterations: 27, eta: 3 });   // rungs 3, 9
 *   asha.report('t1', 3, 0.42);   // 'continue'
 *   asha.report('t2', 3, 0.10);   // 'stop': not the best of two (⌊2/3⌋ = 0 → the top one continues)
 *
 * Pure and in memory. Several dispatchers share the rung values through Postgres: they {@link record}
 * what is stored, then {@link report} the new value.
 */

/** Options of {@link AshaPruner}. */
export interface AshaOptions {
  /** Iterations of the first rung (r in the paper), ≥ 1. */
  minIterations: number;
  /** Iterations of a trial that is never stopped; rungs lie below it. */
  maxIterations: number;
  /**
   * Reduction factor η ≥ 2.
   * @defaultValue 3
   */
  eta?: number;
  /**
   * Whether larger values are better.
   * @defaultValue 'max'
   */
  mode?: 'max' | 'min';
}

export type AshaDecision = 'continue' | 'stop';

export class AshaPruner {
  /** Rung iterations, ascending. */
  readonly rungs: readonly number[];
  readonly eta: number;
  readonly maximize: boolean;
  /** rung → trial → value recorded there. */
  private readonly recorded = new Map<number, Map<string, number>>();

  constructor(opts: AshaOptions) {
    const o = { eta: 3, mode: 'max' as const, ...opts };
    if (!Number.isInteger(o.minIterations) || o.minIterations < 1) throw new Error('minIterations must be an integer greater than 0');
    if (!Number.isInteger(o.eta) || o.eta < 2) throw new Error('eta must be an integer of at least 2');
    if (!(o.maxIterations > o.minIterations)) throw new Error('maxIterations must be greater than minIterations');
    const rungs: number[] = [];
    for (let r = o.minIterations; r < o.maxIterations; r *= o.eta) rungs.push(r);
    this.rungs = rungs;
    this.eta = o.eta;
    this.maximize = o.mode === 'max';
  }

  /** Stores a value known from elsewhere (another dispatcher, a restart) without deciding anything. */
  record(trialId: string, rung: number, value: number): void {
    if (!this.rungs.includes(rung)) throw new Error(`${rung} is not a rung (rungs: ${this.rungs.join(', ')})`);
    let at = this.recorded.get(rung);
    if (!at) this.recorded.set(rung, (at = new Map()));
    if (!at.has(trialId)) at.set(trialId, value);
  }

  /** Rungs at or below `iteration` that `trialId` has no value at yet. */
  pendingRungs(trialId: string, iteration: number): number[] {
    return this.rungs.filter((r) => r <= iteration && !this.recorded.get(r)?.has(trialId));
  }

  /**
   * A trial's value at `iteration`: recorded at every rung it passed since its last report, then
   * judged at each of them in turn. 'stop' as soon as it is out of the top 1/η at one.
   * A NaN value is never promotable.
   */
  report(trialId: string, iteration: number, value: number): AshaDecision {
    let decision: AshaDecision = 'continue';
    for (const rung of this.pendingRungs(trialId, iteration)) {
      this.record(trialId, rung, value);
      if (decision === 'continue') decision = this.decide(trialId, rung);
    }
    return decision;
  }

  /** Whether a trial recorded at `rung` continues, against everything recorded there now. */
  decide(trialId: string, rung: number): AshaDecision {
    const value = this.recorded.get(rung)?.get(trialId);
    if (value === undefined) throw new Error(`trial ${trialId} has no value at rung ${rung}`);
    return this.promotable(value, rung) ? 'continue' : 'stop';
  }

  /** Values recorded at a rung. */
  valuesAt(rung: number): number[] {
    return [...(this.recorded.get(rung)?.values() ?? [])];
  }

  /** [trial, value] pairs recorded at a rung, in the order they were recorded. */
  valuesWithIds(rung: number): Array<[string, number]> {
    return [...(this.recorded.get(rung) ?? [])];
  }

  /**
   * The value a trial needs at `rung` to continue, given what is recorded there (itself included
   * when already recorded): the ⌊n/η⌋-th best, or the best while fewer than η are recorded.
   */
  cutoff(rung: number): number | undefined {
    const values = this.valuesAt(rung).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return undefined;
    values.sort((a, b) => (this.maximize ? b - a : a - b)); // best first
    const keep = Math.max(1, Math.floor(this.valuesAt(rung).length / this.eta));
    return values[Math.min(keep, values.length) - 1];
  }

  /**
   * ASHA's own promotion rule, for trials that pause at rungs (`promotion: pause`): the trials among
   * the top ⌊n/η⌋ of the n values recorded at `rung` — none while fewer than η are, so a trial waits
   * for competitors instead of passing for want of them (the asynchronous rule above lets the first
   * arrivals through). Once the rung is `complete` (no other trial can still reach it), its best
   * max(1, ⌊n/η⌋) go on: a rung of fewer than η trials still promotes its best. NaN never goes on.
   */
  topAt(rung: number, complete = false): Set<string> {
    const at = [...(this.recorded.get(rung) ?? new Map<string, number>())];
    const k = complete ? Math.max(1, Math.floor(at.length / this.eta)) : Math.floor(at.length / this.eta);
    const ranked = at.filter(([, v]) => !Number.isNaN(v)).sort(([, a], [, b]) => (this.maximize ? b - a : a - b));
    return new Set(ranked.slice(0, k).map(([id]) => id));
  }

  private promotable(value: number, rung: number): boolean {
    if (Number.isNaN(value)) return false;
    const cut = this.cutoff(rung);
    return cut === undefined || (this.maximize ? value >= cut : value <= cut);
  }
}

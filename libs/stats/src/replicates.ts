import type { Summary } from './intervals.js';

/** Whether a config held when its sweep was run again. */
export type Verdict = 'reproduced' | 'drifted' | 'failed';

export interface ConfigComparison {
  verdict: Verdict;
  /** reproduced mean − original mean; null when either side has no value. */
  delta: number | null;
  /** Why, in a sentence a person reads on the board. */
  reason: string;
}

/**
 * Compares a config's replicates (seeds) in a reproduction with the original's.
 * Drifted: the means differ by more than `tolerance`, or the reproduced mean leaves the original's
 * 95% CI (when the original has one, i.e. ≥ 2 seeds). The CI edge gets a hair of slack so that a
 * deterministic config (zero spread) reproduced bit for bit is not called drifted by rounding.
 */
export function compareReplicates(original: Summary | null, reproduced: Summary | null, tolerance: number): ConfigComparison {
  if (!(tolerance >= 0)) throw new Error(`tolerance must be ≥ 0 (got ${tolerance})`);
  if (!original) return { verdict: 'failed', delta: null, reason: 'the original has no successful replicate to compare with' };
  if (!reproduced) return { verdict: 'failed', delta: null, reason: 'no replicate of the reproduction succeeded' };
  const delta = reproduced.mean - original.mean;
  if (Math.abs(delta) > tolerance) {
    return { verdict: 'drifted', delta, reason: `mean moved by ${fmt(delta)}, more than the tolerance ${fmt(tolerance)}` };
  }
  const [lo, hi] = original.ci95;
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    const slack = 1e-9 * Math.max(1, Math.abs(original.mean));
    if (reproduced.mean < lo - slack || reproduced.mean > hi + slack) {
      return { verdict: 'drifted', delta, reason: `mean ${fmt(reproduced.mean)} left the original's 95% CI [${fmt(lo)}, ${fmt(hi)}]` };
    }
  }
  return { verdict: 'reproduced', delta, reason: `mean within ${fmt(tolerance)} and inside the original's CI` };
}

/** One verdict for a whole run: any drift is drift; else any failure is failure. */
export function runVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return 'failed';
  if (verdicts.includes('drifted')) return 'drifted';
  if (verdicts.includes('failed')) return 'failed';
  return 'reproduced';
}

const fmt = (x: number) => Number(x.toPrecision(4)).toString();

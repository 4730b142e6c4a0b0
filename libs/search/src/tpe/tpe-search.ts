/**
 * `search.kind: tpe` — the tree-structured Parzen estimator (Bergstra et al., "Algorithms for
 * Hyper-Parameter Optimization", NeurIPS 2011) as Optuna's TPESampler runs it by default:
 *
 *   1. `startup` random configurations (planned at submission, like random search);
 *   2. then, for each proposal: split the finished configurations at the γ-quantile of their value
 *      (γ(n) = min(⌈n/10⌉, 25) best ones "good", the rest "bad"), fit a Parzen estimator per
 *      dimension to each group (parzen-estimator.ts), draw 24 candidates from the good one, and keep
 *      the candidate with the largest l(x)/g(x) (a product over the dimensions: they are modelled
 *      independently) that the sweep has not tried yet;
 *   3. asynchronous: configurations still running count as bad ones (Optuna's constant_liar), and so
 *      does each proposal for the ones after it in the same round — parallel proposals spread out.
 *
 * Seeded: a round's stream is a function of `search.seed` and how many configurations the sweep
 * holds, so the same history gives the same proposals.
 *
 * Why hand-written: no well-kept npm library offers it. The one JavaScript TPE (`hyperparameters`,
 * 0.25.x, a 2019 port of hyperopt for TensorFlow.js) is unmaintained, drives its own objective loop
 * (fmin) instead of proposing from stored results, has no constant liar for parallel workers and no
 * seeded stream we control; Optuna and hyperopt are Python.
 *
 *   const tpe = new TpeSearch(spec);                         // spec.search.kind === 'tpe'
 *   tpe.plan().trials;                                       // the random start × seeds
 *   tpe.propose(finished, running, 4, seen);                 // up to 4 new points
 */
import { planSweep, type SweepPlan, type SweepSpec, type TpeSearchSpec } from '@tinysweep/spec';
import type { SearchStrategy } from '../search-strategy.js';
import { fitEstimator, type Estimator } from './parzen-estimator.js';
import { roundRng, TpeSpace, type Point } from './tpe-space.js';

/** A finished configuration: where it is, and its value (larger is better). */
export interface Observation {
  point: Point;
  value: number;
}

/** Candidates drawn from the good density per proposal (Optuna's n_ei_candidates). */
export const TPE_CANDIDATES = 24;

/** How many of n observations are "good": Optuna's default γ. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export class TpeSearch implements SearchStrategy {
  readonly kind = 'tpe';
  readonly space: TpeSpace;
  readonly search: TpeSearchSpec;

  constructor(private readonly spec: SweepSpec) {
    if (spec.search.kind !== 'tpe') throw new Error(`TpeSearch needs search.kind: tpe (got ${spec.search.kind})`);
    this.search = spec.search;
    this.space = new TpeSpace(spec);
  }

  /** The random start (`startup` configurations × seeds). */
  plan(): SweepPlan {
    return planSweep(this.spec);
  }

  /**
   * Up to `n` points the sweep has not tried (`seen`: keys of every configuration it holds), given the
   * finished configurations and those still running. Random while fewer than `startup` have finished
   * (or none is "bad" yet); fewer than `n` only when the space has no untried point left to find.
   */
  propose(finished: readonly Observation[], running: readonly Point[], n: number, seen: Iterable<string>): number[][] {
    const taken = new Set(seen);
    const rng = roundRng(this.search.seed, taken.size);
    const out: number[][] = [];
    const liars: Point[] = [...running];
    const ranked = [...finished].filter((o) => Number.isFinite(o.value)).sort((a, b) => b.value - a.value);
    const modelled = ranked.length >= Math.min(this.search.startup, this.search.n) && ranked.length >= 2;
    for (let k = 0; k < n; k++) {
      let point: number[] | undefined;
      if (modelled) {
        const good = ranked.slice(0, tpeGamma(ranked.length)).map((o) => o.point);
        const bad = [...ranked.slice(good.length).map((o) => o.point), ...liars];
        const l = this.space.dims.map((d, i) => fitEstimator(d, good.map((p) => p[i]!)));
        const g = this.space.dims.map((d, i) => fitEstimator(d, bad.map((p) => p[i]!)));
        point = this.best(l, g, taken, rng);
      }
      point ??= this.randomUnseen(taken, rng);
      if (!point) break; // nothing left to try
      taken.add(this.space.key(point));
      liars.push(point);
      out.push(point);
    }
    return out;
  }

  /** The untried candidate (drawn from l) with the largest log l − log g, if any. */
  private best(l: Estimator[], g: Estimator[], taken: ReadonlySet<string>, rng: ReturnType<typeof roundRng>): number[] | undefined {
    let best: { point: number[]; score: number } | undefined;
    for (let c = 0; c < TPE_CANDIDATES; c++) {
      const point = l.map((e) => e.sample(rng));
      const score = point.reduce((s, x, i) => s + l[i]!.logDensity(x) - g[i]!.logDensity(x), 0);
      if ((!best || score > best.score) && !taken.has(this.space.key(point))) best = { point, score };
    }
    return best?.point;
  }

  /** A random point not yet tried (rejection; a space this small that all 1,000 draws are taken is done). */
  private randomUnseen(taken: ReadonlySet<string>, rng: ReturnType<typeof roundRng>): number[] | undefined {
    for (let tries = 0; tries < 1000; tries++) {
      const p = this.space.random(rng);
      if (!taken.has(this.space.key(p))) return p;
    }
    return undefined;
  }
}

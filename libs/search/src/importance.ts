/**
 * Which parameters mattered in a finished sweep, fANOVA-style (Hutter et al., "An Efficient Approach
 * for Assessing Hyperparameter Importance", ICML 2014; Optuna's FanovaImportanceEvaluator): fit a
 * random-forest surrogate of the objective over the sweep's space (regression-forest.ts, seeded), then
 * split the surrogate's variance over the whole space into each parameter's main effect — the
 * variance of its marginal (the surrogate averaged over everything else) as a share of the total.
 * What the main effects leave is the parameters' interactions.
 *
 *   const r = parameterImportance(new TpeSpace(spec), observations, { seed: 0 });
 *   r.importance;   // [{ path: 'optimizer.lr', importance: 0.61 }, { path: 'adapter.layers', importance: 0.22 }, …]
 *
 * The marginals are Monte Carlo estimates: `background` points drawn uniformly from the space (ranges
 * as they are sampled, lists uniformly), each parameter set in turn to every one of its values (a
 * list) or to `grid` points across its range. Parameters with one value are left out. Pure; seeded.
 */
import { createRng } from '@tinysweep/spec';
import { RegressionForest } from './regression-forest.js';
import type { Dim } from './tpe/parzen-estimator.js';
import type { Observation } from './tpe/tpe-search.js';
import type { TpeSpace } from './tpe/tpe-space.js';

/** Options of {@link parameterImportance}. */
export interface ImportanceOptions {
  /** Seed of the forest and the background sample. @defaultValue 0 */
  seed?: number;
  /**
   * Trees in the forest. @defaultValue 64 (Optuna's fANOVA's), 16 above 2,000 configurations: so
   * many configurations steady each tree, and the fit costs trees × configurations (`npm run
   * bench:importance`: on 10,000 configurations 16 and 32 trees gave every share within 0.0014 of
   * 64 trees', in 258 and 532 ms against 1,123)
   */
  trees?: number;
  /** Points of the space the marginals average over. @defaultValue 256 */
  background?: number;
  /** Values a numeric parameter's marginal is taken at. @defaultValue 16 */
  grid?: number;
}

/** A parameter's share of the surrogate's variance. */
export interface ParameterImportance {
  /** Field path: `adapter.layers`, `optimizer.lr`, `params.width`. */
  path: string;
  /** Variance of its main effect ÷ the total variance, in [0, 1]. */
  importance: number;
}

export interface ImportanceResult {
  /** Largest first; parameters with a single value are left out. */
  importance: ParameterImportance[];
  /** Configurations the surrogate was fitted to. */
  configs: number;
  /** 1 − the sum of the main effects: what interactions between parameters account for. */
  interactions: number;
}

/** The fewest configurations a surrogate is fitted to. */
export const MIN_IMPORTANCE_CONFIGS = 4;

export function parameterImportance(space: TpeSpace, observations: readonly Observation[], opts: ImportanceOptions = {}): ImportanceResult {
  const o = { seed: 0, trees: observations.length > 2000 ? 16 : 64, background: 256, grid: 16, ...opts };
  const usable = observations.filter((x) => Number.isFinite(x.value));
  if (usable.length < MIN_IMPORTANCE_CONFIGS) throw new Error(`parameter importance needs at least ${MIN_IMPORTANCE_CONFIGS} finished configurations (got ${usable.length})`);
  const varied = space.dims.map((d, i) => ({ d, i })).filter(({ d }) => d.kind === 'numeric' || d.k > 1);
  if (varied.length === 0) return { importance: [], configs: usable.length, interactions: 0 };
  // features: category indices, numbers on their modelled scale (log-scaled ranges as logs)
  const feature = (d: Dim, x: number) => (d.kind === 'numeric' && d.log ? Math.log(x) : x);
  const row = (p: readonly number[]) => varied.map(({ d, i }) => feature(d, p[i]!));
  const forest = RegressionForest.fit(usable.map((x) => row(x.point)), usable.map((x) => x.value), { seed: o.seed, trees: o.trees });
  const predict = (rows: readonly number[][]) => rows.map((r) => forest.predict(r));

  const rng = createRng(o.seed);
  const background = Array.from({ length: o.background }, () => row(space.random(rng)));
  const total = variance(predict(background));
  if (!(total > 0)) return { importance: varied.map(({ i }) => ({ path: space.paths[i]!, importance: 0 })), configs: usable.length, interactions: 0 };
  const importance = varied.map(({ d, i }, col) => {
    const values = d.kind === 'categorical' ? Array.from({ length: d.k }, (_, c) => c) : gridOf(d, o.grid).map((x) => feature(d, x));
    const marginal = values.map((v) => mean(predict(background.map((b) => b.map((x, j) => (j === col ? v : x))))));
    return { path: space.paths[i]!, importance: Math.min(1, variance(marginal) / total) };
  });
  importance.sort((a, b) => b.importance - a.importance);
  return { importance, configs: usable.length, interactions: Math.max(0, 1 - importance.reduce((s, x) => s + x.importance, 0)) };
}

/** Evenly spaced values across a numeric dimension (on its log scale when it has one; whole numbers once each). */
function gridOf(d: Extract<Dim, { kind: 'numeric' }>, n: number): number[] {
  if (d.int && d.high - d.low + 1 <= n) return Array.from({ length: d.high - d.low + 1 }, (_, k) => d.low + k);
  const [a, b] = d.log ? [Math.log(d.low), Math.log(d.high)] : [d.low, d.high];
  const xs = Array.from({ length: n }, (_, k) => a + ((b - a) * (k + 0.5)) / n).map((y) => (d.log ? Math.exp(y) : y));
  return d.int ? [...new Set(xs.map(Math.round))] : xs;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
}

/**
 * Seeds as replicates: the one place a config's replicates become a summary (n, mean, sample std,
 * min, max, 95% Student-t interval of the mean) and configs are ranked. `GET /sweeps/:id/configs`
 * (the CLI's `tinysweep configs` and the board's replicate plot), the board's heatmap cells and
 * pruning-curve points (./board/sweep-cube.ts pools configs, then summarises here) and the
 * reproductions' top-k choice all go through it.
 *
 * Two intervals, because they answer two questions. `ci95` is the Student-t interval of the mean
 * over seeds (how much another seed would move it); with 2 seeds its t₀.₉₇₅,₁ = 12.7 makes it wider
 * than any accuracy's range, so it is given from 3 replicates on. `pooled` is for accuracies (each
 * replicate measured k of `eval_n` held-out items): the Wilson interval of all hits over all items
 * of all seeds, always inside [0, 1] — the measurement error of the config's accuracy.
 *
 * A summary is built from moments — n, mean and m2 = Σ(v − mean)² — which Postgres aggregates per
 * config in the same pass as everything else the board draws, so 100,000 trials never leave the
 * database; `momentsOf` makes the same moments from raw values.
 */
import type { Ci95, PooledProportion, ReplicateSummary } from '@tinysweep/api-types';
import type { ConfigValues, JsonObject } from '@tinysweep/db';
import { proportionCi, studentTQuantile } from '@tinysweep/stats';

/** n, mean, m2 = Σ(v − mean)², min and max of some replicate values (n > 0). */
export interface ReplicateMoments {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  /** For an accuracy: held-out items over all replicates, and the hits among them (see GroupMetric). */
  items?: number;
  hits?: number;
}

/** Fewest replicates for which the t-interval over seeds is given (see above). */
export const MIN_REPLICATES_FOR_T = 3;

/** One replicate: a succeeded trial's value. */
export interface ReplicateValue {
  trialId: string;
  seed: number;
  value: number;
}

/** A config of a sweep (trials differing only in seed) with its replicates summarised. */
export interface ConfigSummary {
  groupHash: string;
  /** The config's params, the seed left out. */
  params: JsonObject;
  /** `path=value` of the parameters that tell this config apart from the sweep's other configs. */
  label: string;
  /** Those parameters, as the text the trials table filters on (`params #>> path`). */
  config: Record<string, string | null>;
  /** Trials of the config, whatever their status; `failed` of them failed. */
  trials: number;
  failed: number;
  /** Seeds of the replicates that have the metric, ascending. */
  seeds: number[];
  /** The metric over those replicates; null when none has it. */
  summary: ReplicateSummary | null;
  /** Each replicate's value, by seed (asked for with `values=true`). */
  values?: ReplicateValue[];
}

/** t₀.₉₇₅ by degrees of freedom: the quantile is an iterative inversion, and a sweep has few distinct n. */
const T975 = new Map<number, number>();

export function ci95(n: number, mean: number, std: number | null): Ci95 {
  if (n < MIN_REPLICATES_FOR_T || std === null || !Number.isFinite(std)) return null;
  let t = T975.get(n - 1);
  if (t === undefined) {
    t = studentTQuantile(0.975, n - 1);
    if (T975.size < 10_000) T975.set(n - 1, t);
  }
  const half = (t * std) / Math.sqrt(n);
  return [mean - half, mean + half];
}

/** The summary of replicates given by their moments; null when there are none. */
export function summarise(m: ReplicateMoments | null, metric?: string): ReplicateSummary | null {
  if (!m || m.n <= 0) return null;
  const std = m.n > 1 ? Math.sqrt(Math.max(m.m2, 0) / (m.n - 1)) : null;
  return { n: m.n, mean: m.mean, std, min: m.min, max: m.max, ci95: ci95(m.n, m.mean, std), pooled: pooledProportion(m, metric) };
}

/** An interval's own bounds (`acc_lo`, `acc_hi`) are not accuracies, whatever their values. */
const NOT_A_PROPORTION = /_(lo|hi)$/;

/** The pooled Wilson interval of an accuracy's replicates; null for other metrics. */
export function pooledProportion(m: ReplicateMoments, metric?: string): PooledProportion | null {
  if (m.items === undefined || m.hits === undefined || !(m.items > 0) || (metric !== undefined && NOT_A_PROPORTION.test(metric))) return null;
  const items = Math.round(m.items);
  const hits = Math.min(items, Math.max(0, Math.round(m.hits)));
  const ci = proportionCi(hits, items);
  return { hits, items, ci95: [ci.lo, ci.hi] };
}

/** Moments of raw values (Welford's update: no sum-of-squares cancellation); null when empty. */
export function momentsOf(values: readonly number[]): ReplicateMoments | null {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return n === 0 ? null : { n, mean, m2, min, max };
}

/**
 * How configs are ranked: by the mean of their replicates, best first; ties by group hash; configs
 * without a result last (by group hash).
 */
export function compareConfigs<T extends { groupHash: string }>(maximize: boolean, mean: (c: T) => number | null): (a: T, b: T) => number {
  return (a, b) => {
    const ma = mean(a);
    const mb = mean(b);
    if (ma === null || mb === null) {
      if (ma !== mb) return ma === null ? 1 : -1;
    } else if (ma !== mb) {
      return maximize ? mb - ma : ma - mb;
    }
    return a.groupHash < b.groupHash ? -1 : a.groupHash > b.groupHash ? 1 : 0;
  };
}

/**
 * Every config of `configs` (raw replicate values per config, as ReproductionRepository reads
 * them) summarised and ranked the way `GET /sweeps/:id/configs` ranks them.
 */
export function summariseConfigs(configs: readonly ConfigValues[], maximize: boolean): (ConfigValues & { summary: ReplicateSummary | null })[] {
  return configs
    .map((c) => ({ ...c, summary: summarise(momentsOf(c.values)) }))
    .sort(compareConfigs(maximize, (c) => c.summary?.mean ?? null));
}

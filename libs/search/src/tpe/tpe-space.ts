/**
 * The space a model-based search moves in: every listed axis of the spec as a categorical dimension
 * (layer selectors, module sets, ties, and listed numbers alike — Optuna's suggest_categorical), every
 * range or param distribution as a numeric one (log-scaled and whole-number ones as written), and
 * `choice` distributions as categorical. A point is one number per dimension (a category's index, or
 * the value); it becomes trial params hashed exactly as planSweep hashes them.
 */
import { canonicalHash, canonicalJson, configSpace, createRng, sampleDistribution, type ConfigSpace, type ParamDistribution, type Rng, type SweepSpec, type TrialParams } from '@tinysweep/spec';
import { valueAt } from '../search-space.js';
import type { Dim } from './parzen-estimator.js';

/** One value per dimension, in {@link TpeSpace.dims} order. */
export type Point = readonly number[];

/** One trial of a point, as planSweep would have planned it (ordinal aside). */
export interface PointTrial {
  params: TrialParams;
  seed: number;
  configHash: string;
  groupHash: string;
}

interface DimSource {
  path: string;
  /** A listed axis (its index in the config space's axes), or a distribution. */
  axis?: number;
  distribution?: ParamDistribution;
  /** Categorical values (a listed axis, or a choice), canonical JSON → index. */
  encoded?: ReadonlyMap<string, number>;
  values?: readonly unknown[];
}

export class TpeSpace {
  readonly dims: readonly Dim[];
  /** Where each dimension's value goes in the params. */
  readonly paths: readonly string[];
  private readonly space: ConfigSpace;
  private readonly sources: readonly DimSource[];

  constructor(spec: SweepSpec) {
    this.space = configSpace(spec);
    const sources: DimSource[] = [];
    const dims: Dim[] = [];
    this.space.axes.forEach((ax, i) => {
      sources.push({ path: ax.path, axis: i, values: ax.values, encoded: new Map(ax.values.map((v, j) => [canonicalJson(v), j])) });
      dims.push({ kind: 'categorical', k: ax.values.length });
    });
    for (const [path, d] of this.space.distributions) {
      if ('choice' in d) {
        sources.push({ path, distribution: d, values: d.choice, encoded: new Map(d.choice.map((v, j) => [canonicalJson(v), j])) });
        dims.push({ kind: 'categorical', k: d.choice.length });
      } else {
        sources.push({ path, distribution: d });
        dims.push(numericDim(d));
      }
    }
    this.sources = sources;
    this.dims = dims;
    this.paths = sources.map((s) => s.path);
  }

  /** The params of a point (no seed). */
  params(point: Point): TrialParams {
    const chosen = new Array<unknown>(this.space.axes.length);
    const draws = new Map<string, unknown>();
    this.sources.forEach((s, i) => {
      const x = point[i]!;
      if (s.axis !== undefined) chosen[s.axis] = s.values![x];
      else draws.set(s.path, s.values ? s.values[x] : x);
    });
    return this.space.build(chosen, draws);
  }

  /** A point's trials, one per seed, with planSweep's hashes. */
  trials(point: Point, seeds: readonly number[]): PointTrial[] {
    const base = this.params(point);
    const groupHash = canonicalHash(base);
    return seeds.map((seed) => {
      const params = { ...base, seed };
      return { params, seed, configHash: canonicalHash(params), groupHash };
    });
  }

  /** The configuration's hash (seed left out): equal points, equal keys. */
  key(point: Point): string {
    return canonicalHash(this.params(point));
  }

  /** Where a trial's params sit, or undefined when a value lies outside the space. */
  pointOf(params: TrialParams): number[] | undefined {
    const out: number[] = [];
    for (const s of this.sources) {
      const v = valueAt(params, s.path);
      if (s.encoded) {
        const j = v === undefined ? undefined : s.encoded.get(canonicalJson(v));
        if (j === undefined) return undefined;
        out.push(j);
      } else {
        if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
        out.push(v);
      }
    }
    return out;
  }

  /** A point drawn as random search draws: a uniform category per axis, each distribution as it says. */
  random(rng: Rng): number[] {
    return this.sources.map((s, i) => {
      const dim = this.dims[i]!;
      if (dim.kind === 'categorical') return rng.int(dim.k);
      return sampleDistribution(s.distribution!, rng) as number;
    });
  }
}

/** A seeded stream for one round of proposals: the same seed and history give the same stream. */
export function roundRng(seed: number, round: number): Rng {
  return createRng((seed ^ Math.imul(round + 1, 0x9e3779b1)) >>> 0);
}

function numericDim(d: Exclude<ParamDistribution, { choice: unknown }>): Dim {
  if ('min' in d) return { kind: 'numeric', low: d.min, high: d.max, log: d.log, int: d.int };
  if ('uniform' in d) return { kind: 'numeric', low: d.uniform[0], high: d.uniform[1], log: false, int: false };
  if ('loguniform' in d) return { kind: 'numeric', low: d.loguniform[0], high: d.loguniform[1], log: true, int: false };
  return { kind: 'numeric', low: d.int[0], high: d.int[1], log: false, int: true };
}

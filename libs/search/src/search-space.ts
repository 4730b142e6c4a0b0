/**
 * The discrete space a search moves in: the spec's sweep axes (libs/spec's configSpace), a
 * configuration being one value index per axis. Turns index vectors into trial params hashed exactly
 * as planSweep hashes them (so a proposed trial and a planned one with equal params are the same
 * trial), reads a stored trial's params back into indices, and lists a configuration's neighbours.
 */
import { canonicalHash, canonicalJson, configSpace, gridSize, type ConfigSpace, type GridAxis, type SweepSpec, type TrialParams } from '@tinysweep/spec';

/** A configuration: one value index per axis, in {@link SearchSpace.axes} order. */
export type Indices = readonly number[];

/** One trial of a configuration, as planSweep would have planned it (ordinal aside). */
export interface SpaceTrial {
  params: TrialParams;
  seed: number;
  configHash: string;
  groupHash: string;
}

const NO_DRAWS: ReadonlyMap<string, unknown> = new Map();

export class SearchSpace {
  readonly axes: readonly GridAxis[];
  /** Values per axis. */
  readonly sizes: readonly number[];
  private readonly space: ConfigSpace;
  /** Canonical JSON of every axis value, to find a stored value's index. */
  private readonly encoded: ReadonlyArray<ReadonlyMap<string, number>>;

  /** @throws Error when the spec samples distributions: a discrete search moves between listed values. */
  constructor(spec: SweepSpec) {
    this.space = configSpace(spec);
    if (this.space.distributions.length > 0) {
      throw new Error(`a search space holds listed values only (params.${this.space.distributions[0]![0]} is a distribution)`);
    }
    this.axes = this.space.axes;
    this.sizes = this.axes.map((a) => a.values.length);
    this.encoded = this.axes.map((a) => new Map(a.values.map((v, i) => [canonicalJson(v), i])));
  }

  /** Configurations in the space. */
  get size(): bigint {
    return gridSize(this.axes);
  }

  /** "2,0,1": a configuration as a map key. */
  key(indices: Indices): string {
    return indices.join(',');
  }

  /** The params of a configuration (no seed). */
  params(indices: Indices): TrialParams {
    if (indices.length !== this.sizes.length || indices.some((j, i) => !Number.isInteger(j) || j < 0 || j >= this.sizes[i]!)) {
      throw new Error(`indices [${indices.join(', ')}] are outside the space [${this.sizes.join(', ')}]`);
    }
    return this.space.build(
      indices.map((j, i) => this.axes[i]!.values[j]),
      NO_DRAWS,
    );
  }

  /** A configuration's trials, one per seed, with planSweep's hashes. */
  trials(indices: Indices, seeds: readonly number[]): SpaceTrial[] {
    const base = this.params(indices);
    const groupHash = canonicalHash(base);
    return seeds.map((seed) => {
      const params = { ...base, seed };
      return { params, seed, configHash: canonicalHash(params), groupHash };
    });
  }

  /** The configuration a trial's params sit at, or undefined when a value lies on no axis. */
  indicesOf(params: TrialParams): number[] | undefined {
    const out: number[] = [];
    for (let i = 0; i < this.axes.length; i++) {
      const value = valueAt(params, this.axes[i]!.path);
      const j = value === undefined ? undefined : this.encoded[i]!.get(canonicalJson(value));
      if (j === undefined) return undefined;
      out.push(j);
    }
    return out;
  }

  /** Configurations one step away along one axis (index ± 1), in axis order. */
  neighbours(indices: Indices): number[][] {
    const out: number[][] = [];
    indices.forEach((j, i) => {
      for (const d of [-1, 1]) {
        const k = j + d;
        if (k >= 0 && k < this.sizes[i]!) out.push(indices.map((x, a) => (a === i ? k : x)));
      }
    });
    return out;
  }

  /** The configuration at a flat grid position (mixed radix, last axis fastest, as planSweep orders it). */
  decode(position: number): number[] {
    const out = new Array<number>(this.sizes.length);
    let rest = position;
    for (let i = this.sizes.length - 1; i >= 0; i--) {
      out[i] = rest % this.sizes[i]!;
      rest = Math.floor(rest / this.sizes[i]!);
    }
    return out;
  }
}

/** An axis path (`adapter.rank`, `params.lr`) read from trial params (`params.lr` sits at the top). */
export function valueAt(params: TrialParams, path: string): unknown {
  const parts = path.startsWith('params.') ? [path.slice('params.'.length)] : path.split('.');
  let v: unknown = params;
  for (const p of parts) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

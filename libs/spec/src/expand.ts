/**
 * `planSweep`: a normalized spec → the list of trials to run.
 *
 * - Grid: the cartesian product of every axis, in the order of {@link configSpace} (adapter.modules
 *   slowest … params in name order), with seeds innermost so a configuration's replicates are adjacent.
 * - Random: `n` configurations sampled from that product without replacement (distributions
 *   drawn per configuration), reproducibly from `search.seed`, then × seeds.
 * - Asha: the grid, or `n` sampled like random; Pareto: its initial `n`, sampled like random (the
 *   dispatcher adds the rest as the search proceeds, see libs/search).
 * - Each trial's params hold the chosen scalar values plus `seed`; `configHash` identifies the trial
 *   and `groupHash` (the same params without seed) its replicate group. A configuration equal to an
 *   earlier one (after normalization) is dropped and counted in `duplicatesCollapsed`.
 * - The size is counted before anything is built: over `budget.maxTrials` throws at once.
 */
import { createRng, type Rng } from '@tinysweep/tinylora';
import { canonicalJson, canonicalTemplate, sha256Hex, type CanonicalTemplate } from './config-hash.js';
import { SpecError } from './errors/spec-error.js';
import type { ParamDistribution, ParamValue } from './spec-types.js';
import { configSpace, countTrials, gridSize, methodAxisIndex, sampleSize, type ConfigSpace, type TrialParams } from './sweep-axes.js';
import { overBudgetMessage, type SweepSpec } from './sweep-spec.js';
import { planTrainings, trainingParams, type PlannedTraining } from './trainings.js';

export type { TrialParams } from './sweep-axes.js';

/** One trial to run. */
export interface TrialPlan {
  /** Position in the plan, 0, 1, 2, … (after duplicates are dropped). */
  ordinal: number;
  /**
   * Everything the trainer needs, `seed` included as `params.seed`. Trials share sub-objects (the
   * spec's `model` and `task`, module lists): treat params as read-only.
   */
  params: TrialParams;
  /** The replicate seed (also `params.seed`). */
  seed: number;
  /** canonicalHash(params): equal configurations, however written, have equal hashes. */
  configHash: string;
  /** canonicalHash(params without seed): shared by the replicates of a configuration. */
  groupHash: string;
  /**
   * canonicalHash(params without `prune`), when the sweep shares training ({@link sharesTraining}):
   * trials that differ only in their pruning train once, and each prunes and evaluates the result.
   */
  trainHash?: string;
}

/** The expansion of a spec, with the settings a scheduler needs. */
export interface SweepPlan {
  spec: SweepSpec;
  trials: TrialPlan[];
  /** Trials that differ only in prune, train once (empty unless the spec {@link sharesTraining}). */
  trainings: PlannedTraining[];
  /** Configurations dropped because an earlier trial had the same configHash. */
  duplicatesCollapsed: number;
  /** `objective.metric`. */
  metric: string;
  /** `objective.mode === 'max'`. */
  maximize: boolean;
  /** `budget.trialTimeout`, in ms. */
  trialTimeoutMs: number;
  /** `budget.retries + 1`: attempts per trial. */
  maxAttempts: number;
}

/**
 * Whether trials that differ only in `prune` share one training: a tinylora sweep that prunes, on a
 * grid or random search, or on asha — there the training is what ASHA judges at its rungs (one
 * config, whatever its thresholds): with asynchronous promotion it goes on or stops there, with
 * `promotion: pause` it also pauses there (checkpointed, its slot freed) until promoted, and its
 * survivors' adapters are pruned at each threshold at the end. Not for pareto and tpe proposals
 * (one configuration at a time): those train each trial themselves.
 */
export function sharesTraining(spec: SweepSpec): boolean {
  if (spec.backend.kind !== 'tinylora' || spec.prune === undefined) return false;
  const s = spec.search;
  return s.kind === 'grid' || s.kind === 'random' || s.kind === 'asha';
}

/** One configuration: a value index per axis, and the distribution draws in name order. */
interface Config {
  indices: number[];
  draws: ParamValue[];
}

/** A hole in the params template (see {@link canonicalTemplate}). */
class Slot {
  constructor(readonly id: number) {}
}

const slotOf = (v: unknown): number | undefined => (v instanceof Slot ? v.id : undefined);

/**
 * Expands a spec into trials.
 *
 * @throws SpecError at `budget.maxTrials` when the spec expands to more trials than allowed (counted
 *   before duplicates collapse), with the count in the message.
 */
export function planSweep(spec: SweepSpec): SweepPlan {
  const count = countTrials(spec);
  if (count > BigInt(spec.budget.maxTrials)) throw SpecError.at('budget.maxTrials', overBudgetMessage(spec, count));

  const space = configSpace(spec);
  const { axes, distributions } = space;
  // Hashing a million trials one canonicalJson at a time takes ~15 s; instead encode each axis value
  // once and join precomputed fragments (slots: one per axis, one per distribution, then the seed).
  const drawSlot = axes.length;
  const seedSlot = drawSlot + distributions.length;
  // A trial's adapter fields depend on its method, so a spec that sweeps methods gets one template
  // per method (the method written in, not a hole); every other spec has one template.
  const methodAxis = methodAxisIndex(space);
  const templates = new Map<number, { group: CanonicalTemplate; trial: CanonicalTemplate; train?: CanonicalTemplate }>();
  const templatesFor = (indices: readonly number[]) => {
    const j = methodAxis < 0 ? -1 : indices[methodAxis]!;
    let t = templates.get(j);
    if (t) return t;
    const shape = space.build(
      axes.map((ax, i) => (i === methodAxis ? ax.values[j] : new Slot(i))),
      new Map(distributions.map(([path], k) => [path, new Slot(drawSlot + k)])),
    );
    t = {
      group: canonicalTemplate(shape, slotOf),
      trial: canonicalTemplate({ ...shape, seed: new Slot(seedSlot) }, slotOf),
      train: sharesTraining(spec) ? canonicalTemplate({ ...trainingParams(shape), seed: new Slot(seedSlot) }, slotOf) : undefined,
    };
    templates.set(j, t);
    return t;
  };
  const encoded = axes.map((ax) => ax.values.map((v) => canonicalJson(v)));
  const parts = new Array<string>(seedSlot + 1);

  const n = sampleSize(spec.search);
  const configs = n === undefined ? gridConfigs(space) : randomConfigs(space, n, 'seed' in spec.search ? spec.search.seed : 0);
  // The schema refuses repeated seeds; a hand-built spec may still have them, and they would repeat trials.
  const seeds = [...new Set(spec.seeds)];
  const trials: TrialPlan[] = [];
  const groups = new Set<string>();
  let duplicatesCollapsed = 0;
  for (const { indices, draws } of configs) {
    indices.forEach((j, i) => (parts[i] = encoded[i][j]));
    draws.forEach((d, k) => (parts[drawSlot + k] = canonicalJson(d)));
    const { group: groupTemplate, trial: trialTemplate, train: trainTemplate } = templatesFor(indices);
    const groupHash = sha256Hex(groupTemplate.fill(parts));
    if (groups.has(groupHash)) {
      duplicatesCollapsed += spec.seeds.length;
      continue;
    }
    groups.add(groupHash);
    const base = space.build(
      indices.map((j, i) => axes[i].values[j]),
      new Map(distributions.map(([path], k) => [path, draws[k]])),
    );
    duplicatesCollapsed += spec.seeds.length - seeds.length;
    for (const seed of seeds) {
      parts[seedSlot] = canonicalJson(seed);
      // Distinct groups × distinct seeds: every configHash is new, no set needed to dedupe them.
      const configHash = sha256Hex(trialTemplate.fill(parts));
      const trial: TrialPlan = { ordinal: trials.length, params: { ...base, seed }, seed, configHash, groupHash };
      if (trainTemplate) trial.trainHash = sha256Hex(trainTemplate.fill(parts));
      trials.push(trial);
    }
  }
  return {
    spec,
    trials,
    trainings: planTrainings(trials),
    duplicatesCollapsed,
    metric: spec.objective.metric,
    maximize: spec.objective.mode === 'max',
    trialTimeoutMs: spec.budget.trialTimeout,
    maxAttempts: spec.budget.retries + 1,
  };
}

/** Every point of the grid, last axis fastest (an odometer). */
function* gridConfigs(space: ConfigSpace): Generator<Config> {
  const sizes = space.axes.map((ax) => ax.values.length);
  if (sizes.some((n) => n === 0)) return;
  const idx = new Array<number>(sizes.length).fill(0);
  for (;;) {
    yield { indices: [...idx], draws: [] };
    let i = sizes.length - 1;
    while (i >= 0 && ++idx[i] === sizes[i]) idx[i--] = 0;
    if (i < 0) return;
  }
}

/**
 * `n` grid points without replacement, each with fresh distribution draws. When n exceeds the grid
 * (allowed only with distributions) the grid is run through again in a new random order.
 *
 * Two samplers, picked by density: a sparse Fisher–Yates shuffle over grid indices when the grid is
 * at most 2n points (so at most 2,000,000), else independent per-axis draws with repeats rejected
 * (each draw is new with probability > 1/2, and the grid may have 10³⁰ points, too many to index).
 */
function* randomConfigs(space: ConfigSpace, n: number, seed: number): Generator<Config> {
  const rng = createRng(seed);
  const sizes = space.axes.map((ax) => ax.values.length);
  const size = gridSize(space.axes);
  const draw = (): ParamValue[] => space.distributions.map(([, d]) => sampleDistribution(d, rng));

  if (size <= BigInt(2 * n)) {
    const g = Number(size);
    let swapped = new Map<number, number>();
    let i = 0;
    for (let k = 0; k < n; k++) {
      if (i === g) {
        swapped = new Map();
        i = 0;
      }
      const j = i + rng.int(g - i);
      const chosen = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      i++;
      yield { indices: decode(chosen, sizes), draws: draw() };
    }
    return;
  }
  const seen = new Set<string>();
  for (let k = 0; k < n; k++) {
    let indices: number[];
    let key: string;
    do {
      indices = sizes.map((s) => rng.int(s));
      key = indices.join(',');
    } while (seen.has(key));
    seen.add(key);
    yield { indices, draws: draw() };
  }
}

/** Grid index → one index per axis (mixed radix, last axis fastest). */
function decode(index: number, sizes: readonly number[]): number[] {
  const out = new Array<number>(sizes.length);
  let rest = index;
  for (let i = sizes.length - 1; i >= 0; i--) {
    out[i] = rest % sizes[i];
    rest = Math.floor(rest / sizes[i]);
  }
  return out;
}

/** A draw from a distribution or range (exported for libs/search's samplers, which draw as random search does). */
export function sampleDistribution(d: ParamDistribution, rng: Rng): ParamValue {
  if ('min' in d) {
    const { min, max, log, int } = d;
    // ints: a continuous draw over [min − ½, max + ½) rounded, so every whole number gets its share
    const [lo, hi] = int ? [min - 0.5, max + 0.5] : [min, max];
    const x = log ? Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.next()) : lo + (hi - lo) * rng.next();
    return int ? Math.min(max, Math.max(min, Math.round(x))) : Math.min(max, Math.max(min, x));
  }
  if ('uniform' in d) {
    const [a, b] = d.uniform;
    return a + (b - a) * rng.next();
  }
  if ('loguniform' in d) {
    const [a, b] = d.loguniform;
    return Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * rng.next());
  }
  if ('int' in d) {
    const [a, b] = d.int;
    return Math.min(b, a + Math.floor(rng.next() * (b - a + 1)));
  }
  return d.choice[rng.int(d.choice.length)];
}

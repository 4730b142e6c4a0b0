/**
 * The sweep axes of a normalized spec, in the fixed order that defines trial ordinals, and how a
 * choice of one value per axis becomes a trial's params. Counting is done here in bigint, so a spec
 * that expands to 10³⁰ trials is measured (and refused) without enumerating anything.
 */
import { isDistribution } from './params-spec.js';
import type { NormalizedSweepSpec, ParamDistribution } from './spec-types.js';

/** Everything a trainer needs for one trial; `seed` is `params.seed`. */
export type TrialParams = Record<string, unknown>;

/** One list-valued field of the spec; a scalar field is an axis of one value. */
export interface GridAxis {
  /** Where the field is in the spec, e.g. `adapter.rank` or `params.lr`. */
  path: string;
  values: readonly unknown[];
}

/** The axes, and a function from one value per axis (plus distribution draws) to params (no seed). */
export interface ConfigSpace {
  /** Axes, slowest-varying first (the order of nested loops; seeds are innermost, outside this list). */
  axes: GridAxis[];
  /** Random-search distributions, by param name, in name order. */
  distributions: Array<[string, ParamDistribution]>;
  /** Builds a configuration's params from `chosen[i]` = a value of `axes[i]` and the distribution draws. */
  build(chosen: readonly unknown[], draws: ReadonlyMap<string, unknown>): TrialParams;
}

type SpaceSpec = Omit<NormalizedSweepSpec, 'name' | 'backend' | 'objective' | 'budget' | 'reuse'>;

/** The configuration space of a spec. Params are taken in name order so key order never matters. */
export function configSpace(spec: Omit<SpaceSpec, 'search' | 'seeds' | 'reuse'>): ConfigSpace {
  const axes: GridAxis[] = [];
  const slot = (path: string, values: readonly unknown[]): number => axes.push({ path, values }) - 1;
  const { adapter, prune, optimizer } = spec;
  const a = adapter && {
    modules: slot('adapter.modules', adapter.modules),
    layers: slot('adapter.layers', adapter.layers),
    rank: slot('adapter.rank', adapter.rank),
    u: slot('adapter.u', adapter.u),
    tie: slot('adapter.tie', adapter.tie),
  };
  const p = prune && {
    threshold: slot('prune.threshold', prune.threshold),
    retrainIterations: slot('prune.retrainIterations', prune.retrainIterations),
  };
  const o = optimizer && {
    population: slot('optimizer.population', optimizer.population),
    sigma: slot('optimizer.sigma', optimizer.sigma),
    lr: slot('optimizer.lr', optimizer.lr),
    iterations: slot('optimizer.iterations', optimizer.iterations),
    batch: slot('optimizer.batch', optimizer.batch),
    group: optimizer.group && slot('optimizer.group', optimizer.group),
    temperature: optimizer.temperature && slot('optimizer.temperature', optimizer.temperature),
    kl: optimizer.kl && slot('optimizer.kl', optimizer.kl),
  };
  const names = Object.keys(spec.params).sort();
  const listParams: Array<[string, number]> = [];
  const distributions: Array<[string, ParamDistribution]> = [];
  for (const name of names) {
    const axis = spec.params[name];
    if (isDistribution(axis)) distributions.push([name, axis]);
    else listParams.push([name, slot(`params.${name}`, axis)]);
  }
  const isDist = new Set(distributions.map(([n]) => n));

  const build = (chosen: readonly unknown[], draws: ReadonlyMap<string, unknown>): TrialParams => {
    const out: TrialParams = {};
    if (a) out.adapter = { modules: chosen[a.modules], layers: chosen[a.layers], rank: chosen[a.rank], u: chosen[a.u], tie: chosen[a.tie] };
    if (p) out.prune = { threshold: chosen[p.threshold], retrainIterations: chosen[p.retrainIterations] };
    if (o && optimizer) {
      out.optimizer = {
        kind: optimizer.kind,
        population: chosen[o.population],
        sigma: chosen[o.sigma],
        lr: chosen[o.lr],
        iterations: chosen[o.iterations],
        batch: chosen[o.batch],
        ...(o.group !== undefined ? { group: chosen[o.group] } : {}),
        ...(o.temperature !== undefined ? { temperature: chosen[o.temperature] } : {}),
        ...(o.kl !== undefined ? { kl: chosen[o.kl] } : {}),
      };
    }
    if (spec.model) out.model = spec.model;
    if (spec.task) out.task = spec.task;
    let li = 0;
    for (const name of names) {
      if (isDist.has(name)) out[name] = draws.get(name);
      else out[name] = chosen[listParams[li++][1]];
    }
    return out;
  };
  return { axes, distributions, build };
}

/** Product of the axis lengths (1 for no axes). */
export function gridSize(axes: readonly GridAxis[]): bigint {
  let n = 1n;
  for (const ax of axes) n *= BigInt(ax.values.length);
  return n;
}

/** Configurations a search samples at submission, or undefined when it starts from the whole grid. */
export function sampleSize(search: SpaceSpec['search']): number | undefined {
  return search.kind === 'random' || search.kind === 'pareto' ? search.n : search.kind === 'asha' ? search.n : undefined;
}

/**
 * Trials the spec expands to at submission, before duplicates collapse: grid (and asha without n) =
 * product of the axes × seeds; random, asha with n and pareto (its initial sample) = n × seeds.
 */
export function countTrials(spec: SpaceSpec): bigint {
  const seeds = BigInt(spec.seeds.length);
  const n = sampleSize(spec.search);
  if (n !== undefined) return BigInt(n) * seeds;
  return gridSize(configSpace(spec).axes) * seeds;
}

/** "adapter.layers 3 × adapter.rank 3 × seeds 3": the axes with more than one value, for messages. */
export function describeExpansion(spec: SpaceSpec): string {
  const n = sampleSize(spec.search);
  const parts =
    n !== undefined
      ? [`search.n ${n}`]
      : configSpace(spec)
          .axes.filter((ax) => ax.values.length > 1)
          .map((ax) => `${ax.path} ${ax.values.length}`);
  if (spec.seeds.length > 1) parts.push(`seeds ${spec.seeds.length}`);
  return parts.join(' × ') || '1';
}

/**
 * The sweep axes of a normalized spec, in the fixed order that defines trial ordinals, and how a
 * choice of one value per axis becomes a trial's params. Counting is done here in bigint, so a spec
 * that expands to 10³⁰ trials is measured (and refused) without enumerating anything.
 */
import { DEFAULT_ADAPTER_METHOD, METHOD_SPECIFIC_FIELDS, methodReads } from './adapter-methods.js';
import { isDistribution } from './params-spec.js';
import type { NormalizedSweepSpec, NumericRange, ParamDistribution } from './spec-types.js';

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
  /**
   * What a sampling search draws per configuration, by field path (`optimizer.lr`, `params.width`):
   * ranges of the spec's numeric fields in field order, then the params' ranges and distributions in
   * name order.
   */
  distributions: Array<[string, ParamDistribution]>;
  /** Builds a configuration's params from `chosen[i]` = a value of `axes[i]` and the draws by path. */
  build(chosen: readonly unknown[], draws: ReadonlyMap<string, unknown>): TrialParams;
}

type SpaceSpec = Omit<NormalizedSweepSpec, 'name' | 'backend' | 'objective' | 'budget' | 'reuse'>;

/** Whether a numeric field is a range rather than a list. */
export function isRange(v: unknown): v is NumericRange {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'min' in v && 'max' in v;
}

/** The configuration space of a spec. Params are taken in name order so key order never matters. */
export function configSpace(spec: Omit<SpaceSpec, 'search' | 'seeds' | 'reuse'>): ConfigSpace {
  const axes: GridAxis[] = [];
  const distributions: Array<[string, ParamDistribution]> = [];
  /** A field's value in a configuration: an axis slot, or a draw. */
  type Pick = (chosen: readonly unknown[], draws: ReadonlyMap<string, unknown>) => unknown;
  const field = (path: string, v: readonly unknown[] | NumericRange): Pick => {
    if (isRange(v)) {
      distributions.push([path, v]);
      return (_, draws) => draws.get(path);
    }
    const i = axes.push({ path, values: v }) - 1;
    return (chosen) => chosen[i];
  };
  const { adapter, prune, optimizer } = spec;
  const a = adapter && {
    method: adapter.method && field('adapter.method', adapter.method),
    modules: field('adapter.modules', adapter.modules),
    layers: field('adapter.layers', adapter.layers),
    rank: field('adapter.rank', adapter.rank),
    // each method's own fields (u, tie, alpha, …), in the table's order
    own: [...METHOD_SPECIFIC_FIELDS.keys()].flatMap((name): Array<[string, Pick]> => {
      const v = adapter[name] as readonly unknown[] | NumericRange | undefined;
      return v === undefined ? [] : [[name, field(`adapter.${name}`, v)]];
    }),
  };
  const p = prune && {
    threshold: field('prune.threshold', prune.threshold),
    retrainIterations: field('prune.retrainIterations', prune.retrainIterations),
  };
  const o = optimizer && {
    population: field('optimizer.population', optimizer.population),
    sigma: field('optimizer.sigma', optimizer.sigma),
    lr: field('optimizer.lr', optimizer.lr),
    iterations: field('optimizer.iterations', optimizer.iterations),
    batch: field('optimizer.batch', optimizer.batch),
    group: optimizer.group && field('optimizer.group', optimizer.group),
    temperature: optimizer.temperature && field('optimizer.temperature', optimizer.temperature),
    kl: optimizer.kl && field('optimizer.kl', optimizer.kl),
  };
  const names = Object.keys(spec.params).sort();
  const params = names.map((name): [string, Pick] => {
    const axis = spec.params[name];
    if (!isDistribution(axis)) return [name, field(`params.${name}`, axis)];
    distributions.push([`params.${name}`, axis]);
    return [name, (_, draws) => draws.get(`params.${name}`)];
  });

  const build = (chosen: readonly unknown[], draws: ReadonlyMap<string, unknown>): TrialParams => {
    const out: TrialParams = {};
    const at = (pick: Pick) => pick(chosen, draws);
    if (a) out.adapter = adapterParams(a.method && at(a.method), { modules: at(a.modules), layers: at(a.layers), rank: at(a.rank), ...Object.fromEntries(a.own.map(([name, pick]) => [name, at(pick)])) });
    if (p) out.prune = { threshold: at(p.threshold), retrainIterations: at(p.retrainIterations) };
    if (o && optimizer) {
      out.optimizer = {
        kind: optimizer.kind,
        population: at(o.population),
        sigma: at(o.sigma),
        lr: at(o.lr),
        iterations: at(o.iterations),
        batch: at(o.batch),
        ...(o.group !== undefined ? { group: at(o.group) } : {}),
        ...(o.temperature !== undefined ? { temperature: at(o.temperature) } : {}),
        ...(o.kl !== undefined ? { kl: at(o.kl) } : {}),
      };
    }
    if (spec.model) out.model = spec.model;
    if (spec.task) out.task = spec.task;
    for (const [name, pick] of params) out[name] = at(pick);
    return out;
  };
  return { axes, distributions, build };
}

/**
 * A trial's adapter params for its method: only the fields that method reads, and `method` only when
 * it is not the default, so tinylora trials hash as they did before methods existed. (planSweep
 * builds its hash templates with the method written in, never as a hole.)
 */
function adapterParams(method: unknown, fields: Record<string, unknown>): Record<string, unknown> {
  const { modules, layers, rank, ...own } = fields;
  const name = typeof method === 'string' ? method : DEFAULT_ADAPTER_METHOD;
  const out: Record<string, unknown> = name === DEFAULT_ADAPTER_METHOD ? { modules, layers, rank } : { method: name, modules, layers, rank };
  for (const [k, v] of Object.entries(own)) if (v !== undefined && methodReads(name, k)) out[k] = v;
  return out;
}

/** Index of the `adapter.method` axis, when the spec sweeps methods (planSweep builds one template per method). */
export function methodAxisIndex(space: ConfigSpace): number {
  return space.axes.findIndex((ax) => ax.path === 'adapter.method');
}

/** Product of the axis lengths (1 for no axes). */
export function gridSize(axes: readonly GridAxis[]): bigint {
  let n = 1n;
  for (const ax of axes) n *= BigInt(ax.values.length);
  return n;
}

/** Configurations a search samples at submission, or undefined when it starts from the whole grid. */
export function sampleSize(search: SpaceSpec['search']): number | undefined {
  if (search.kind === 'tpe') return search.startup; // the random start; the rest is proposed as results arrive
  return search.kind === 'random' || search.kind === 'pareto' ? search.n : search.kind === 'asha' ? search.n : undefined;
}

/**
 * Trials the spec expands to at submission, before duplicates collapse: grid (and asha without n) =
 * product of the axes × seeds; random, asha with n and pareto (its initial sample) = n × seeds; tpe:
 * the n × seeds it runs in all (its random start is planned at submission, the rest proposed later).
 */
export function countTrials(spec: SpaceSpec): bigint {
  const seeds = BigInt(spec.seeds.length);
  if (spec.search.kind === 'tpe') return BigInt(spec.search.n) * seeds; // all it will run, not just its start
  const n = sampleSize(spec.search);
  if (n !== undefined) return BigInt(n) * seeds;
  return gridSize(configSpace(spec).axes) * seeds;
}

/** "adapter.layers 3 × adapter.rank 3 × seeds 3": the axes with more than one value, for messages. */
export function describeExpansion(spec: SpaceSpec): string {
  const n = spec.search.kind === 'tpe' ? spec.search.n : sampleSize(spec.search);
  const parts =
    n !== undefined
      ? [`search.n ${n}`]
      : configSpace(spec)
          .axes.filter((ax) => ax.values.length > 1)
          .map((ax) => `${ax.path} ${ax.values.length}`);
  if (spec.seeds.length > 1) parts.push(`seeds ${spec.seeds.length}`);
  return parts.join(' × ') || '1';
}

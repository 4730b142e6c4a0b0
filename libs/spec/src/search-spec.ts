/**
 * The `search` section: grid, random, asha and pareto. Field checks live in {@link SearchSchema};
 * the rules that need the rest of the spec (defaults taken from `optimizer` and `objective`, what a
 * search may sample) in {@link normalizeSearch}.
 */
import { z } from 'zod';
import { isDistribution } from './params-spec.js';
import { intIn, nonEmptyString, oneOf, positiveInt, strictObject, tagged } from './schema-kit.js';
import type { AshaSearchSpec, NormalizedSweepSpec, ObjectiveSpec, ParetoSearchSpec, SearchSpec } from './spec-types.js';
import { configSpace, gridSize } from './sweep-axes.js';

/** Largest sampler seed. */
const MAX_SAMPLER_SEED = 0xffff_ffff;

/** ASHA's default reduction factor η (Ray Tune's and Optuna's default too). */
export const ASHA_DEFAULT_ETA = 3;

/** The held-out metric the tinylora backend reports every `params.evalEvery` iterations and at the steps a Train call names (ASHA's rungs). */
export const TINYLORA_EVAL_METRIC = 'eval_acc';

/** The second default objective of a pareto search: the adapter's non-zero parameters. */
export const EFFECTIVE_PARAMS_OBJECTIVE: ObjectiveSpec = { metric: 'effective_params', mode: 'min' };

/** `search` as written, before the defaults that depend on other sections. */
export type SearchInput =
  | Exclude<SearchSpec, AshaSearchSpec | ParetoSearchSpec>
  | (Omit<AshaSearchSpec, 'maxIterations' | 'metric' | 'mode'> & Partial<Pick<AshaSearchSpec, 'maxIterations' | 'metric' | 'mode'>>)
  | (Omit<ParetoSearchSpec, 'parallel' | 'objectives'> & Partial<Pick<ParetoSearchSpec, 'parallel' | 'objectives'>>);

const samplerSeed = intIn(0, MAX_SAMPLER_SEED, `a sampler seed, an integer from 0 to ${MAX_SAMPLER_SEED}`);
const objective = strictObject({ metric: nonEmptyString('a metric name'), mode: oneOf(['max', 'min']).optional() }).transform(
  (o): ObjectiveSpec => ({ metric: o.metric, mode: o.mode ?? 'max' }),
);

export const SearchSchema: z.ZodType<SearchInput> = tagged('kind', {
  grid: strictObject({ kind: z.literal('grid') }),
  random: strictObject({ kind: z.literal('random'), n: positiveInt(), seed: samplerSeed.optional() }).transform((r) => ({
    kind: 'random' as const,
    n: r.n,
    seed: r.seed ?? 0,
  })),
  asha: strictObject({
    kind: z.literal('asha'),
    n: positiveInt().optional(),
    seed: samplerSeed.optional(),
    minIterations: positiveInt(),
    maxIterations: positiveInt().optional(),
    eta: intIn(2, 1000, 'an integer from 2 to 1000').optional(),
    metric: nonEmptyString('a metric name').optional(),
    mode: oneOf(['max', 'min']).optional(),
  }).transform((a) => {
    const out: SearchInput = { kind: 'asha', seed: a.seed ?? 0, minIterations: a.minIterations, eta: a.eta ?? ASHA_DEFAULT_ETA };
    if (a.n !== undefined) out.n = a.n;
    if (a.maxIterations !== undefined) out.maxIterations = a.maxIterations;
    if (a.metric !== undefined) out.metric = a.metric;
    if (a.mode !== undefined) out.mode = a.mode;
    return out;
  }),
  pareto: strictObject({
    kind: z.literal('pareto'),
    n: positiveInt(),
    seed: samplerSeed.optional(),
    parallel: positiveInt().optional(),
    objectives: z.array(objective, { error: () => 'must be a list of { metric, mode } (at least two)' }).optional(),
  }).transform((p) => {
    const out: SearchInput = { kind: 'pareto', n: p.n, seed: p.seed ?? 0 };
    if (p.parallel !== undefined) out.parallel = p.parallel;
    if (p.objectives !== undefined) out.objectives = p.objectives;
    return out;
  }),
});

/** What {@link normalizeSearch} reads and may adjust: the spec normalized so far. */
type PartialSpec = Omit<NormalizedSweepSpec, 'search'>;

/** Reports a problem at a path of the spec. */
type Problem = (message: string, path: PropertyKey[]) => void;

/**
 * Fills the defaults of `search` that come from other sections and checks the rules between them.
 * For asha it also fixes how long the trials run: `optimizer.iterations` becomes `[maxIterations]`.
 * Where the metric is measured is not the spec's business: the dispatcher asks for it at the rungs
 * (TrainRequest.eval_at), so an ASHA trial's config — and result key — is the grid trial's.
 *
 * @param budgetWritten whether the user wrote `budget.maxTrials` (a pareto search needs it).
 */
export function normalizeSearch(raw: SearchInput, spec: PartialSpec, budgetWritten: boolean, problem: Problem): SearchSpec {
  const distributions = Object.entries(spec.params).filter(([, a]) => isDistribution(a));
  const sampleSize = raw.kind === 'grid' ? undefined : raw.n;
  if (sampleSize === undefined) {
    const hint = raw.kind === 'asha' ? 'give search.n to sample configurations' : 'on a grid, list the values to try';
    for (const [name] of distributions) problem(`a distribution needs search.kind: random (or asha with n); ${hint}`, ['params', name]);
  } else if (distributions.length === 0) {
    const size = gridSize(configSpace(spec).axes);
    if (BigInt(sampleSize) > size) {
      problem(`is ${sampleSize}, more than the ${size.toLocaleString('en-US')} configuration${size === 1n ? '' : 's'} the axes hold; lower n, add values or a distribution, or use search.kind: grid`, ['search', 'n']);
    }
  }
  if (raw.kind === 'asha') return normalizeAsha(raw, spec, problem);
  if (raw.kind === 'pareto') {
    for (const [name] of distributions) problem('a pareto search moves between listed values; list them instead of a distribution', ['params', name]);
    if (!budgetWritten) problem('required for search.kind: pareto (the search proposes configurations until the sweep holds this many trials)', ['budget', 'maxTrials']);
    const objectives = raw.objectives ?? [spec.objective, EFFECTIVE_PARAMS_OBJECTIVE];
    if (objectives.length < 2) problem('must list at least two objectives (a front of one objective is its best trial)', ['search', 'objectives']);
    const seen = new Set<string>();
    objectives.forEach((o, i) => {
      if (seen.has(o.metric)) problem(`metric '${o.metric}' is listed twice`, ['search', 'objectives', i, 'metric']);
      seen.add(o.metric);
    });
    return { kind: 'pareto', n: raw.n, seed: raw.seed, parallel: raw.parallel ?? raw.n, objectives };
  }
  return raw;
}

function normalizeAsha(raw: Extract<SearchInput, { kind: 'asha' }>, spec: PartialSpec, problem: Problem): AshaSearchSpec {
  const iterations = spec.optimizer?.iterations;
  let maxIterations = raw.maxIterations;
  if (iterations && iterations.length > 1) {
    problem('ASHA decides how long each trial trains: give one value (the most a trial trains) or search.maxIterations', ['optimizer', 'iterations']);
  } else if (maxIterations === undefined) {
    if (iterations) maxIterations = iterations[0];
    else problem('required for the command backend: the iterations a trial that is never stopped runs', ['search', 'maxIterations']);
  }
  maxIterations ??= raw.minIterations + 1;
  if (raw.minIterations >= maxIterations) {
    problem(`must be less than maxIterations (${maxIterations}), or there is no rung to stop trials at`, ['search', 'minIterations']);
  }
  if (spec.optimizer && iterations && iterations.length === 1) spec.optimizer = { ...spec.optimizer, iterations: [maxIterations] };
  const metric = raw.metric ?? (spec.backend.kind === 'tinylora' ? TINYLORA_EVAL_METRIC : spec.objective.metric);
  const out: AshaSearchSpec = { kind: 'asha', seed: raw.seed, minIterations: raw.minIterations, maxIterations, eta: raw.eta, metric, mode: raw.mode ?? spec.objective.mode };
  if (raw.n !== undefined) out.n = raw.n;
  return out;
}

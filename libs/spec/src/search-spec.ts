/**
 * The `search` section: grid, random, asha, pareto and tpe. Field checks live in {@link SearchSchema};
 * the rules that need the rest of the spec (defaults taken from `optimizer` and `objective`, what a
 * search may sample) in {@link normalizeSearch}.
 */
import { z } from 'zod';
import { SPEC_DEFAULTS } from './spec-defaults.js';
import { intIn, nonEmptyString, oneOf, positiveInt, strictObject, tagged } from './schema-kit.js';
import type { AshaSearchSpec, AshaSettings, NormalizedSweepSpec, ObjectiveSpec, ParetoSearchSpec, SearchSpec, TpeSearchSpec } from './spec-types.js';
import { configSpace, gridSize, isRange } from './sweep-axes.js';

/** Largest sampler seed. */
const MAX_SAMPLER_SEED = 0xffff_ffff;

/** ASHA's default reduction factor η (Ray Tune's and Optuna's default too). */
export const ASHA_DEFAULT_ETA = 3;

/** The held-out metric the tinylora backend reports every `params.evalEvery` iterations and at the steps a Train call names (ASHA's rungs). */
export const TINYLORA_EVAL_METRIC = 'eval_acc';

/** The second default objective of a pareto search: the adapter's non-zero parameters. */
export const EFFECTIVE_PARAMS_OBJECTIVE: ObjectiveSpec = { metric: 'effective_params', mode: 'min' };

/** ASHA's fields as written (its defaults come from optimizer, objective and backend). */
type AshaInput = Omit<AshaSettings, 'maxIterations' | 'metric' | 'mode'> & Partial<Pick<AshaSettings, 'maxIterations' | 'metric' | 'mode'>>;

/** `search` as written, before the defaults that depend on other sections. */
export type SearchInput =
  | Exclude<SearchSpec, AshaSearchSpec | ParetoSearchSpec | TpeSearchSpec>
  | ({ kind: 'asha'; n?: number; seed: number } & AshaInput)
  | (Omit<ParetoSearchSpec, 'parallel' | 'objectives'> & Partial<Pick<ParetoSearchSpec, 'parallel' | 'objectives'>>)
  | (Omit<TpeSearchSpec, 'startup' | 'parallel' | 'asha'> & Partial<Pick<TpeSearchSpec, 'startup' | 'parallel'>> & { asha?: AshaInput });

const samplerSeed = intIn(0, MAX_SAMPLER_SEED, `a sampler seed, an integer from 0 to ${MAX_SAMPLER_SEED}`);
const objective = strictObject({ metric: nonEmptyString('a metric name'), mode: oneOf(['max', 'min']).optional() }).transform(
  (o): ObjectiveSpec => ({ metric: o.metric, mode: o.mode ?? SPEC_DEFAULTS.objective.mode }),
);

/** ASHA's own fields, in `search` (kind asha) or in a tpe search's `asha`. */
const ashaFields = {
  minIterations: positiveInt(),
  maxIterations: positiveInt().optional(),
  eta: intIn(2, 1000, 'an integer from 2 to 1000').optional(),
  metric: nonEmptyString('a metric name').optional(),
  mode: oneOf(['max', 'min']).optional(),
  promotion: oneOf(['pause', 'async']).optional(),
};

function ashaInput(a: { minIterations: number; maxIterations?: number; eta?: number; metric?: string; mode?: 'max' | 'min'; promotion?: 'pause' | 'async' }): AshaInput {
  const out: AshaInput = { minIterations: a.minIterations, eta: a.eta ?? ASHA_DEFAULT_ETA };
  if (a.maxIterations !== undefined) out.maxIterations = a.maxIterations;
  if (a.metric !== undefined) out.metric = a.metric;
  if (a.mode !== undefined) out.mode = a.mode;
  if (a.promotion !== undefined) out.promotion = a.promotion;
  return out;
}

export const SearchSchema: z.ZodType<SearchInput> = tagged('kind', {
  grid: strictObject({ kind: z.literal('grid') }),
  random: strictObject({ kind: z.literal('random'), n: positiveInt(), seed: samplerSeed.optional() }).transform((r) => ({
    kind: 'random' as const,
    n: r.n,
    seed: r.seed ?? 0,
  })),
  asha: strictObject({ kind: z.literal('asha'), n: positiveInt().optional(), seed: samplerSeed.optional(), ...ashaFields }).transform((a) => {
    const out: SearchInput = { kind: 'asha', seed: a.seed ?? 0, ...ashaInput(a) };
    if (a.n !== undefined) out.n = a.n;
    return out;
  }),
  tpe: strictObject({
    kind: z.literal('tpe'),
    n: positiveInt(),
    startup: positiveInt().optional(),
    seed: samplerSeed.optional(),
    parallel: positiveInt().optional(),
    asha: strictObject(ashaFields).optional(),
  }).transform((t) => {
    const out: SearchInput = { kind: 'tpe', n: t.n, seed: t.seed ?? 0 };
    if (t.startup !== undefined) out.startup = t.startup;
    if (t.parallel !== undefined) out.parallel = t.parallel;
    if (t.asha !== undefined) out.asha = ashaInput(t.asha);
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
  // ranges of any numeric field and the params' distributions: what a search must sample
  const distributions = configSpace(spec).distributions.map(([path]) => path);
  const what = (path: string) => (path.startsWith('params.') && !isRange(spec.params[path.slice('params.'.length)]) ? 'a distribution' : 'a range');
  const fieldPath = (path: string): PropertyKey[] => (path.startsWith('params.') ? ['params', path.slice('params.'.length)] : path.split('.'));
  const sampleSize = raw.kind === 'grid' ? undefined : raw.n;
  if (sampleSize === undefined) {
    const hint = raw.kind === 'asha' ? 'give search.n to sample configurations' : 'on a grid, list the values to try';
    for (const path of distributions) problem(`${what(path)} needs a search that samples (search.kind: random or tpe, or asha with n); ${hint}`, fieldPath(path));
  } else if (distributions.length === 0) {
    const size = gridSize(configSpace(spec).axes);
    if (BigInt(sampleSize) > size) {
      problem(`is ${sampleSize}, more than the ${size.toLocaleString('en-US')} configuration${size === 1n ? '' : 's'} the axes hold; lower n, add values or a distribution, or use search.kind: grid`, ['search', 'n']);
    }
  }
  if (raw.kind === 'asha') {
    const { kind: _kind, n, seed, ...fields } = raw;
    return { kind: 'asha', seed, ...(n !== undefined ? { n } : {}), ...normalizeAsha(fields, spec, problem, ['search']) };
  }
  if (raw.kind === 'tpe') {
    const startup = raw.startup ?? Math.min(10, raw.n);
    if (startup > raw.n) problem(`must be at most search.n (${raw.n}): the random start is part of the n configurations`, ['search', 'startup']);
    const out: TpeSearchSpec = { kind: 'tpe', n: raw.n, startup: Math.min(startup, raw.n), seed: raw.seed, parallel: raw.parallel ?? startup };
    if (raw.asha) out.asha = normalizeAsha(raw.asha, spec, problem, ['search', 'asha']);
    return out;
  }
  if (raw.kind === 'pareto') {
    for (const path of distributions) problem(`a pareto search moves between listed values; list them instead of ${what(path)}`, fieldPath(path));
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

/** ASHA's settings with their defaults (`at`: where they were written, for messages). */
function normalizeAsha(raw: AshaInput, spec: PartialSpec, problem: Problem, at: PropertyKey[]): AshaSettings {
  const iterations = spec.optimizer?.iterations;
  let maxIterations = raw.maxIterations;
  if (iterations && (!Array.isArray(iterations) || iterations.length > 1)) {
    problem(`ASHA decides how long each trial trains: give one value (the most a trial trains) or ${at.join('.')}.maxIterations`, ['optimizer', 'iterations']);
  } else if (maxIterations === undefined) {
    if (iterations) maxIterations = iterations[0];
    else problem('required for the command backend: the iterations a trial that is never stopped runs', [...at, 'maxIterations']);
  }
  maxIterations ??= raw.minIterations + 1;
  if (raw.minIterations >= maxIterations) {
    problem(`must be less than maxIterations (${maxIterations}), or there is no rung to stop trials at`, [...at, 'minIterations']);
  }
  if (spec.optimizer && Array.isArray(iterations) && iterations.length === 1) spec.optimizer = { ...spec.optimizer, iterations: [maxIterations] };
  const metric = raw.metric ?? (spec.backend.kind === 'tinylora' ? TINYLORA_EVAL_METRIC : spec.objective.metric);
  const promotion = raw.promotion ?? 'async'; // pausing is opt-in: see AshaSettings.promotion
  return { minIterations: raw.minIterations, maxIterations, eta: raw.eta, metric, mode: raw.mode ?? spec.objective.mode, promotion };
}

/**
 * The sweep spec schema (zod 4): validates what a user wrote (YAML or JSON, already parsed), applies
 * defaults and normalizes it into a {@link SweepSpec}. The field-by-field reference is the TSDoc on
 * {@link NormalizedSweepSpec} and the package README; cross-field rules are checked last:
 *
 * - the tinylora backend needs `model`, `task` and `adapter`, and gets a default `optimizer`;
 * - `optimizer.kind: grpo` needs the tinylora backend and a runtime that has gradients (torch);
 * - the search's own rules (search-spec.ts): distributions in `params` need a sampling search, a
 *   sample cannot exceed the grid, asha's iterations and rung metric, pareto's objectives;
 * - every `{placeholder}` in a command names a param, a field of the trial's params, or a trainer value;
 * - the spec expands to at most `budget.maxTrials` trials.
 */
import { z } from 'zod';
import { AdapterSchema } from './adapter-spec.js';
import { parseDuration, formatDuration } from './duration.js';
import { SpecError } from './errors/spec-error.js';
import { SPEC_DEFAULTS } from './spec-defaults.js';
import { ParamsSchema } from './params-spec.js';
import { knownPlaceholders, placeholderNames, unknownPlaceholderMessage } from './placeholders.js';
import { checkPlainData } from './plain-data.js';
import {
  axis,
  axisOrRange,
  expects,
  got,
  intIn,
  isMapping,
  nonEmptyString,
  nonNegativeInt,
  oneOf,
  positiveInt,
  positiveNumber,
  report,
  strictObject,
  tagged,
} from './schema-kit.js';
import type {
  BackendSpec,
  BudgetSpec,
  CommandBackendSpec,
  NormalizedSweepSpec,
  ObjectiveSpec,
  OptimizerAxes,
  PruneAxes,
  ResourcesSpec,
  TaskSpec,
} from './spec-types.js';
import { normalizeSearch, SearchSchema } from './search-spec.js';
import { countTrials, describeExpansion, sampleSize } from './sweep-axes.js';

/** Hard ceiling on `budget.maxTrials`. */
export const MAX_TRIALS_CEILING = 1_000_000;
/** Longest `budget.trialTimeout`: 7 days (also safely under setTimeout's 2³¹−1 ms limit). */
export const MAX_TRIAL_TIMEOUT_MS = 7 * 86_400_000;
/** Largest seed: trial seeds are stored in a Postgres INTEGER column, so 2³¹−1. */
export const MAX_SEED = 0x7fff_ffff;

// ---- backend ---------------------------------------------------------------------------------------

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `command`: an argv list, or a string split on whitespace (no shell, so quotes are refused). */
const commandArgv = z.unknown().transform((input, ctx): string[] => {
  if (typeof input === 'string') {
    const s = input.trim();
    if (s === '') {
      report(ctx, 'must not be empty', [], input);
      return z.NEVER;
    }
    if (/["'\\`]/.test(s)) {
      report(ctx, 'a command string is split on whitespace with no shell, so quotes and backslashes would reach the program literally; write the command as a list: ["python3", "train.py", "--name", "my run"]', [], input);
      return z.NEVER;
    }
    return s.split(/\s+/);
  }
  if (!Array.isArray(input)) {
    report(ctx, `must be a list of arguments (preferred) or a string${got(input)}`, [], input);
    return z.NEVER;
  }
  if (input.length === 0) {
    report(ctx, 'must not be an empty list (give at least the program)', [], input);
    return z.NEVER;
  }
  let ok = true;
  input.forEach((arg, i) => {
    if (typeof arg !== 'string') {
      report(ctx, `must be a string${got(arg)}${typeof arg === 'number' ? '; quote numbers in a command' : ''}`, [i], arg);
      ok = false;
    }
  });
  if (ok && (input[0] as string).trim() === '') {
    report(ctx, 'the program must not be empty', [0], input[0]);
    ok = false;
  }
  return ok ? (input as string[]) : z.NEVER;
});

const envSchema = z.unknown().transform((input, ctx): Record<string, string> => {
  if (!isMapping(input)) {
    report(ctx, `must be a mapping of variable names to values${got(input)}`, [], input);
    return z.NEVER;
  }
  const out: Record<string, string> = {};
  let ok = true;
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    if (!ENV_NAME.test(k)) {
      report(ctx, 'invalid environment variable name: use letters, digits and _, not starting with a digit', [k]);
      ok = false;
    } else if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
      out[k] = String(v);
    } else {
      report(ctx, `must be a string${got(v)}`, [k], v);
      ok = false;
    }
  }
  return ok ? out : z.NEVER;
});

const commandBackend = strictObject({
  kind: z.literal('command'),
  command: commandArgv,
  cwd: nonEmptyString().optional(),
  env: envSchema.optional(),
}).transform((b): CommandBackendSpec => {
  const out: CommandBackendSpec = { kind: 'command', command: b.command };
  if (b.cwd !== undefined) out.cwd = b.cwd;
  if (b.env !== undefined) out.env = b.env;
  return out;
});

const BackendSchema: z.ZodType<BackendSpec> = tagged('kind', {
  tinylora: strictObject({ kind: z.literal('tinylora') }),
  command: commandBackend,
});

// ---- model, task -------------------------------------------------------------------------------------

const ModelSchema = strictObject({ path: nonEmptyString('a path (string)') });

/** Loose on purpose: `kind` plus any plain-data keys, passed to trials as they are. */
const TaskSchema: z.ZodType<TaskSpec> = z
  .looseObject({ kind: nonEmptyString('a task kind such as gsm8k, arc, arithmetic or regex') }, { error: expects('a mapping with a kind') })
  .transform((task, ctx): TaskSpec => {
    const bad = checkPlainData(task, { maxDepth: 32, maxBytes: 4 * 1024 * 1024 });
    if (bad) report(ctx, bad.path === '' ? bad.message : `${bad.path}: ${bad.message}`);
    return task;
  });

// ---- optimizer, prune ----------------------------------------------------------------------------------

const GRPO_ONLY = ['group', 'temperature', 'kl'] as const;
const nonNegativeNumber = z.number({ error: expects('a number ≥ 0') }).min(0, { error: expects('a number ≥ 0') });

const OptimizerSchema: z.ZodType<OptimizerAxes> = strictObject({
  kind: oneOf(['es', 'spsa', 'cmaes', 'grpo']).optional(),
  population: axisOrRange(positiveInt(), { int: true }).optional(),
  sigma: axisOrRange(positiveNumber(), { int: false }).optional(),
  lr: axisOrRange(positiveNumber(), { int: false }).optional(),
  iterations: axisOrRange(positiveInt(), { int: true }).optional(),
  batch: axisOrRange(positiveInt(), { int: true }).optional(),
  group: axisOrRange(intIn(2, 4096, 'an integer from 2 to 4096 (samples per prompt)'), { int: true }).optional(),
  temperature: axisOrRange(positiveNumber(), { int: false }).optional(),
  kl: axisOrRange(nonNegativeNumber, { int: false }).optional(),
}).transform((o, ctx): OptimizerAxes => {
  const kind = o.kind ?? SPEC_DEFAULTS.optimizer.kind;
  const out: OptimizerAxes = {
    kind,
    population: o.population ?? [...SPEC_DEFAULTS.optimizer.population],
    sigma: o.sigma ?? [...SPEC_DEFAULTS.optimizer.sigma],
    lr: o.lr ?? [...SPEC_DEFAULTS.optimizer.lr],
    iterations: o.iterations ?? [...SPEC_DEFAULTS.optimizer.iterations],
    batch: o.batch ?? [...SPEC_DEFAULTS.optimizer.batch],
  };
  if (kind === 'grpo') {
    // present only for grpo, so the configs (and reuse keys) of forward-only sweeps are unchanged
    out.group = o.group ?? [...SPEC_DEFAULTS.grpo.group];
    out.temperature = o.temperature ?? [...SPEC_DEFAULTS.grpo.temperature];
    out.kl = o.kl ?? [...SPEC_DEFAULTS.grpo.kl];
  } else {
    for (const key of GRPO_ONLY) if (o[key] !== undefined) report(ctx, `only for kind 'grpo' (this optimizer is '${kind}')`, [key]);
  }
  return out;
});

const ResourcesSchema: z.ZodType<ResourcesSpec> = strictObject({
  device: oneOf(['cpu', 'cuda']).optional(),
  runtime: oneOf(['torch', 'onnxruntime']).optional(),
}).transform((r): ResourcesSpec => ({ ...(r.device ? { device: r.device } : {}), ...(r.runtime ? { runtime: r.runtime } : {}) }));

const thresholdError = expects('a threshold in [0, 1), relative to max |v|');
const threshold = z.number({ error: thresholdError }).min(0, { error: thresholdError }).lt(1, { error: thresholdError });

const PruneSchema: z.ZodType<PruneAxes> = strictObject({
  threshold: axisOrRange(threshold, { int: false }),
  retrainIterations: axisOrRange(nonNegativeInt(), { int: true }).optional(),
}).transform((p): PruneAxes => ({ threshold: p.threshold, retrainIterations: p.retrainIterations ?? [...SPEC_DEFAULTS.prune.retrainIterations] }));

// ---- seeds, search, objective, budget ------------------------------------------------------------------

const seedValue = intIn(0, MAX_SEED, `a seed, an integer from 0 to ${MAX_SEED}`);

const SeedsSchema = axis(seedValue).transform((seeds, ctx) => {
  const seen = new Set<number>();
  seeds.forEach((s, i) => {
    if (seen.has(s)) report(ctx, `seed ${s} is listed twice; replicates need distinct seeds`, [i], s);
    seen.add(s);
  });
  return seeds;
});

const ObjectiveSchema: z.ZodType<ObjectiveSpec> = strictObject({
  metric: nonEmptyString('a metric name').optional(),
  mode: oneOf(['max', 'min']).optional(),
}).transform((o): ObjectiveSpec => ({ metric: o.metric ?? SPEC_DEFAULTS.objective.metric, mode: o.mode ?? SPEC_DEFAULTS.objective.mode }));

const trialTimeout = z.unknown().transform((input, ctx): number => {
  if (typeof input !== 'string' && typeof input !== 'number') {
    report(ctx, `must be a duration such as "30m" or a number of milliseconds${got(input)}`, [], input);
    return z.NEVER;
  }
  let ms: number;
  try {
    ms = parseDuration(input, '');
  } catch (err) {
    report(ctx, err instanceof SpecError ? (err.issues[0]?.message ?? err.message) : String(err), [], input);
    return z.NEVER;
  }
  if (ms < 1 || ms > MAX_TRIAL_TIMEOUT_MS) {
    report(ctx, `must be between 1ms and ${formatDuration(MAX_TRIAL_TIMEOUT_MS)}${got(input)}`, [], input);
    return z.NEVER;
  }
  return ms;
});

/** The budget, and whether `maxTrials` was written (a pareto search needs it spelled out). */
const BudgetSchema: z.ZodType<{ budget: BudgetSpec; maxTrialsWritten: boolean }> = strictObject({
  maxTrials: intIn(1, MAX_TRIALS_CEILING, `an integer from 1 to ${MAX_TRIALS_CEILING.toLocaleString('en-US')}`).optional(),
  trialTimeout: trialTimeout.optional(),
  retries: intIn(0, 100, 'an integer from 0 to 100').optional(),
}).transform((b) => ({
  budget: {
    maxTrials: b.maxTrials ?? SPEC_DEFAULTS.budget.maxTrials,
    trialTimeout: b.trialTimeout ?? SPEC_DEFAULTS.budget.trialTimeout,
    retries: b.retries ?? SPEC_DEFAULTS.budget.retries,
  },
  maxTrialsWritten: b.maxTrials !== undefined,
}));

// ---- the spec ----------------------------------------------------------------------------------------

const nameError = expects('a sweep name (1 to 200 characters)');

const RootSchema = strictObject({
  name: z
    .string({ error: nameError })
    .trim()
    .min(1, { error: () => 'must not be empty' })
    .max(200, { error: (iss) => `must be at most 200 characters (got ${String(iss.input).length})` })
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, { error: () => 'must not contain control characters (newlines, tabs, …)' }),
  backend: BackendSchema.optional(),
  model: ModelSchema.optional(),
  task: TaskSchema.optional(),
  adapter: AdapterSchema.optional(),
  prune: PruneSchema.optional(),
  optimizer: OptimizerSchema.optional(),
  resources: ResourcesSchema.optional(),
  params: ParamsSchema.optional(),
  seeds: SeedsSchema.optional(),
  search: SearchSchema.optional(),
  objective: ObjectiveSchema.optional(),
  budget: BudgetSchema.optional(),
  reuse: z.boolean({ error: expects('true or false') }).optional(),
  checkpoint: strictObject({ every: nonNegativeInt() }).optional(),
});

/**
 * Validates and normalizes a parsed spec (a plain object). Prefer {@link parseSweepSpec}, which also
 * parses YAML/JSON text, guards size and depth, and throws a {@link SpecError}.
 */
export const SweepSpecSchema: z.ZodType<NormalizedSweepSpec> = RootSchema.transform((raw, ctx): NormalizedSweepSpec => {
  // Zod runs this even after unknown root keys; the cross-field rules wait until the fields are clean.
  if (ctx.issues.length > 0) return z.NEVER;
  const backend: BackendSpec = raw.backend ?? { ...SPEC_DEFAULTS.backend };
  const spec: NormalizedSweepSpec = { name: raw.name, backend } as NormalizedSweepSpec;
  if (raw.model) spec.model = raw.model;
  if (raw.task) spec.task = raw.task;
  if (raw.adapter) spec.adapter = raw.adapter;
  if (raw.prune) spec.prune = raw.prune;
  const optimizer = raw.optimizer ?? (backend.kind === 'tinylora' ? OptimizerSchema.parse({}) : undefined);
  if (optimizer) spec.optimizer = optimizer;
  if (raw.resources && Object.keys(raw.resources).length > 0) spec.resources = raw.resources;
  spec.params = raw.params ?? {};
  spec.seeds = raw.seeds ?? [...SPEC_DEFAULTS.seeds];
  spec.objective = raw.objective ?? { ...SPEC_DEFAULTS.objective };
  spec.budget = raw.budget?.budget ?? { ...SPEC_DEFAULTS.budget };
  spec.reuse = raw.reuse ?? SPEC_DEFAULTS.reuse;
  if (raw.checkpoint) spec.checkpoint = { every: raw.checkpoint.every };

  let problems = 0;
  const problem = (message: string, path: PropertyKey[]): void => {
    problems++;
    report(ctx, message, path);
  };
  if (backend.kind === 'tinylora') {
    for (const section of ['model', 'task', 'adapter'] as const) {
      if (spec[section] === undefined) {
        const example = { model: 'e.g. model: { path: models/demo-arith }', task: 'e.g. task: { kind: gsm8k, … }', adapter: 'adapter: {} takes the defaults' }[section];
        problem(`required when backend.kind is 'tinylora' (${example})`, [section]);
      }
    }
  }
  if (spec.optimizer?.kind === 'grpo') {
    if (backend.kind !== 'tinylora') problem(`grpo is the tinylora backend's (a command program trains itself)`, ['optimizer', 'kind']);
    else if (spec.resources?.runtime === 'onnxruntime') {
      problem(`grpo needs sampling and gradients, which the onnxruntime runtime cannot compute (resources.runtime is 'onnxruntime'); use 'torch' or a forward-only optimizer (es, spsa, cmaes)`, ['optimizer', 'kind']);
    }
  }
  // Search last: its defaults come from optimizer and objective, and it may adjust them (asha).
  spec.search = normalizeSearch(raw.search ?? { ...SPEC_DEFAULTS.search }, spec, raw.budget?.maxTrialsWritten ?? false, problem);
  if (backend.kind === 'command') {
    const known = knownPlaceholders(spec);
    backend.command.forEach((arg, i) => {
      for (const name of placeholderNames(arg)) {
        if (!known.has(name)) problem(unknownPlaceholderMessage(name, known), ['backend', 'command', i]);
      }
    });
  }
  if (problems === 0) {
    const count = countTrials(spec);
    if (count > BigInt(spec.budget.maxTrials)) problem(overBudgetMessage(spec, count), ['budget', 'maxTrials']);
  }
  return spec;
});

/** The spec type: normalized, defaults applied (see {@link NormalizedSweepSpec} for every field). */
export type SweepSpec = z.infer<typeof SweepSpecSchema>;

/** "spec expands to 1,234 trials, over budget.maxTrials = 500 (adapter.rank 3 × seeds 3 × …)". */
export function overBudgetMessage(spec: SweepSpec, count: bigint): string {
  return (
    `spec expands to ${count.toLocaleString('en-US')} trials, over budget.maxTrials = ${spec.budget.maxTrials.toLocaleString('en-US')} ` +
    `(${describeExpansion(spec)}); ${sampleSize(spec.search) !== undefined ? 'lower search.n or use fewer seeds' : 'remove values from some axes, use search.kind: random'}, ` +
    `or raise budget.maxTrials (at most ${MAX_TRIALS_CEILING.toLocaleString('en-US')})`
  );
}

/**
 * The normalized sweep spec: what `parseSweepSpec` returns after validation, with defaults
 * applied and every sweepable field turned into a list (its sweep axis). Users write the looser form
 * documented on each field ("scalar or list"); a normalized spec is itself a valid input and parses
 * to itself.
 *
 * Lists are sweep axes: a grid search takes their cartesian product (× `seeds`), a random search
 * samples from it. A field given as a scalar is an axis of one value.
 */

/** The seven linear modules of a Llama-family block that can carry an adapter, in canonical order. */
export const MODULE_NAMES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

/** One linear module: attention q/k/v/o projections or the MLP's gate/up/down. */
export type ModuleName = (typeof MODULE_NAMES)[number];

/**
 * Which transformer blocks get adapters.
 *
 * - `'all'`: every block;
 * - `'first:k'` / `'last:k'`: the first / last k blocks (k ≥ 1);
 * - `'every:k'`: blocks 0, k, 2k, … (k ≥ 1; `every:1` normalizes to `'all'`);
 * - a list of block indices, sorted and deduplicated. Ranges written `'a-b'` (a ≤ b, inclusive)
 *   normalize to the explicit list, so `'0-3'` and `[0, 1, 2, 3]` are the same configuration.
 *
 * Syntax only is checked here; whether the model has that many blocks is the trainer's business.
 */
export type LayerSelector = 'all' | `first:${number}` | `last:${number}` | `every:${number}` | number[];

/**
 * Weight tying: modules that share one trainable vector `v`.
 *
 * - `none`: every adapted module has its own `v`;
 * - `tiled`: groups of `n` consecutive modules by depth, whatever their type (best in the paper);
 * - `structured`: groups of `n` modules of the same type (q with q) across nearby layers;
 * - `full`: all adapted modules share a single `v`.
 *
 * Written as a mapping (`{ mode: tiled, n: 16 }`) or a string (`none`, `full`, `tiled:16`,
 * `structured:4`). Normalized so equal tyings compare equal: `n` is dropped for `none`/`full`, and
 * `tiled`/`structured` with `n: 1` (groups of one) become `none`.
 */
export type TieSpec = { mode: 'none' } | { mode: 'full' } | { mode: 'tiled' | 'structured'; n: number };

/** Which execution backend runs each trial. */
export type BackendSpec = TinyLoraBackendSpec | CommandBackendSpec;

/** The built-in TinyLoRA trainer (TypeScript + ONNX Runtime). Needs `model`, `task` and `adapter`. */
export interface TinyLoraBackendSpec {
  kind: 'tinylora';
}

/**
 * Runs the user's own training program once per trial (any language), without a shell. It reads the
 * trial's parameters from `{placeholders}` in its arguments (and the trainer's TINYSWEEP_* environment)
 * and reports metrics as JSON lines on stdout.
 */
export interface CommandBackendSpec {
  kind: 'command';
  /**
   * The program and its arguments. Written as a list (preferred) or a string split on whitespace (no
   * shell, no quoting: a string containing quotes or backslashes is refused; use the list form).
   * `{name}` placeholders are replaced per trial: a param name (`{lr}`), a dotted path into the
   * trial's params (`{adapter.rank}`, `{optimizer.sigma}`), `{seed}`, or the trainer-supplied
   * `{trial_id}`, `{sweep_id}`, `{attempt}`, `{params_file}`. Every placeholder must name something
   * that exists, or the spec is refused.
   */
  command: string[];
  /** Working directory, relative to the trainer's work directory. @defaultValue the work directory */
  cwd?: string;
  /** Extra environment variables (numbers and booleans are written as strings). @defaultValue none */
  env?: Record<string, string>;
}

/** The base model. Required for the tinylora backend; passed through to trials for command. */
export interface ModelSpec {
  /** Path to the model directory (HF safetensors + config) or file (llama2.c `.bin`), on the trainer. */
  path: string;
}

/**
 * The task: data and reward. Required for the tinylora backend (kinds `gsm8k`, `arc`, `arithmetic`,
 * `regex`); any other keys (`train`, `eval`, `evalSize`, …) are passed through to trials unchanged.
 */
export interface TaskSpec {
  /** Task kind, e.g. `gsm8k`. */
  kind: string;
  [key: string]: unknown;
}

/**
 * A numeric range to sample from instead of a list (`lr: { min: 1e-4, max: 1e-1, log: true }`): for
 * searches that sample (random, asha with n, tpe). Uniform in [min, max], or log-uniform with `log`;
 * `int` (whole numbers, min and max included) for integer fields, and for a param that says so.
 * Normalized with every key present.
 */
export interface NumericRange {
  min: number;
  max: number;
  /** Sampled (and modelled, by tpe) on a log scale; needs min > 0. @defaultValue `false` */
  log: boolean;
  /** Whole numbers only. @defaultValue `true` for integer fields (rank, u, population, …), else `false` */
  int: boolean;
}

/** A numeric field: a list of values (an axis; a scalar is a list of one) or a range to sample. */
export type NumericAxis = number[] | NumericRange;

/** The adapter design space. Every field is a sweep axis. */
export interface AdapterAxes {
  /**
   * Adapter methods (`tinylora`, `lora-xs`, `lora`; a list is an axis). Present only when the spec
   * names it: a spec without it is TinyLoRA's, and its trials hash as before methods existed.
   * @defaultValue absent (tinylora)
   */
  method?: string[];
  /**
   * Module sets to adapt. Written as one set (`[q, v]`, or `all`), or a list of sets
   * (`[[q, k, v, o], all]`); `all` means all seven; HF names such as `q_proj` are accepted.
   * Normalized: each set deduplicated and in canonical order q, k, v, o, gate, up, down.
   * @defaultValue `[[q, k, v, o, gate, up, down]]` (the paper adapts all seven)
   */
  modules: ModuleName[][];
  /**
   * Block selections (see {@link LayerSelector}). Written as one selector or a list of them; a flat
   * list of integers (`[0, 5, 7]`) is ONE explicit selection, nest it to sweep (`[[0, 5], [7]]`).
   * @defaultValue `['all']`
   */
  layers: LayerSelector[];
  /** Truncated-SVD rank r (positive integers), or a range. @defaultValue `[2]` (best in the paper) */
  rank: NumericAxis;
  /** tinylora: trainable size u of each tied group's vector v (positive integers), or a range. @defaultValue `[1]` when a method reads it */
  u?: NumericAxis;
  /** tinylora: weight tying (see {@link TieSpec}). @defaultValue `[{ mode: 'none' }]` when a method reads it */
  tie?: TieSpec[];
  /** lora: scaling α (ΔW = (α/r)·B·A), positive numbers or a range. @defaultValue absent (α = r) */
  alpha?: NumericAxis;
  /** Any other method's own fields (libs/spec's ADAPTER_METHOD_FIELDS), as axes. */
  [field: string]: unknown;
}

/** Magnitude pruning of the trained v. Both fields are sweep axes. */
export interface PruneAxes {
  /**
   * Zero the entries of v whose magnitude is under `threshold × max|v|`; in [0, 1). Required when
   * `prune` is given; 0 prunes nothing. A range samples it.
   */
  threshold: NumericAxis;
  /** Optimizer iterations to retrain the survivors after pruning (non-negative integers). @defaultValue `[0]` */
  retrainIterations: NumericAxis;
}

/**
 * Optimizer for v: forward-only (`es`, `spsa`, `cmaes`, on any device), or `grpo`, gradients by autograd
 * (group-relative policy optimisation for a reward, SFT for `task.objective: nll`; the torch device only).
 */
export type OptimizerKind = 'es' | 'spsa' | 'cmaes' | 'grpo';

/**
 * Optimizer settings. Every numeric field is a sweep axis. Present by default for the tinylora backend;
 * for the command backend only when written (then passed to the program like any other param).
 */
export interface OptimizerAxes {
  /** Antithetic evolution strategies, SPSA (MeZO-style), or CMA-ES (small dimensions). @defaultValue `'es'` */
  kind: OptimizerKind;
  /** Perturbations per iteration (es, cmaes). @defaultValue `[32]` */
  population: NumericAxis;
  /** Perturbation scale, > 0. @defaultValue `[0.02]` */
  sigma: NumericAxis;
  /** Learning rate, > 0 (es, spsa); `{ min, max, log: true }` samples it on a log scale. @defaultValue `[0.05]` */
  lr: NumericAxis;
  /** Optimizer iterations (a list: an ASHA sweep needs exactly one value). @defaultValue `[200]` */
  iterations: NumericAxis;
  /** Prompts per evaluation batch. @defaultValue `[16]` */
  batch: NumericAxis;
  /** grpo only: samples per prompt (integers ≥ 2). @defaultValue `[8]` for grpo, absent otherwise */
  group?: NumericAxis;
  /** grpo only: sampling temperature, > 0. @defaultValue `[1]` for grpo, absent otherwise */
  temperature?: NumericAxis;
  /** grpo only: KL coefficient against the base model, ≥ 0. @defaultValue `[0]` for grpo, absent otherwise */
  kl?: NumericAxis;
}

/**
 * What a trial's trainer slot must offer; the dispatcher leases only matching slots. Not part of a
 * trial's params (where a trial ran does not change its config).
 */
export interface ResourcesSpec {
  /** `cuda`: a GPU slot; `cpu`: a CPU slot. Absent: any. */
  device?: 'cpu' | 'cuda';
  /**
   * `torch` or `onnxruntime`. Absent: any, except that `optimizer.kind: grpo` implies `torch`
   * (the only runtime that computes gradients).
   */
  runtime?: 'torch' | 'onnxruntime';
}

/** A scalar a free-form param can take. */
export type ParamValue = string | number | boolean;

/**
 * A distribution to sample a param from (random search only), drawn independently for every sampled
 * configuration: `uniform` [a, b) with a < b; `loguniform` [a, b) with 0 < a < b; `int` an integer in
 * [a, b] inclusive; `choice` one of the listed values, uniformly.
 */
export type ParamDistribution =
  | { uniform: [number, number] }
  | { loguniform: [number, number] }
  | { int: [number, number] }
  | { choice: ParamValue[] }
  | NumericRange;

/** A free-form param: a list of values (grid axis; a scalar is written as a list of one) or a distribution. */
export type ParamAxis = ParamValue[] | ParamDistribution;

/** How configurations are chosen from the axes. */
export type SearchSpec = GridSearchSpec | RandomSearchSpec | AshaSearchSpec | ParetoSearchSpec | TpeSearchSpec;

/** Every combination of the axes (× seeds). */
export interface GridSearchSpec {
  kind: 'grid';
}

/**
 * `n` configurations sampled from the grid product without replacement (distributions in `params`
 * drawn per configuration), each run once per seed. Reproducible: the same spec and `seed` give the
 * same trials.
 */
export interface RandomSearchSpec {
  kind: 'random';
  /** Configurations to sample (each runs once per entry of `seeds`). Required, ≥ 1. */
  n: number;
  /** Seed of the sampler (0 … 2³²−1), not of the trials. @defaultValue `0` */
  seed: number;
}

/**
 * Asynchronous successive halving (ASHA; Li et al. 2020, as Ray Tune's ASHAScheduler and Optuna's
 * SuccessiveHalvingPruner run it): every configuration starts; rungs sit at `minIterations·eta^k`
 * iterations (below `maxIterations`); a trial reaching a rung continues only if its `metric` there is in
 * the top 1/eta of the values recorded at that rung so far (the first ones reaching a rung compete with
 * fewer), else the dispatcher stops it (status `stopped`, the rung value kept in its metrics).
 *
 * The trials report the metric as intermediate metrics at their iteration (step): the dispatcher names
 * the rungs in each Train call, where the tinylora backend measures `eval_acc` (as well as every
 * `params.evalEvery`); a command program prints JSON lines with `step` and the metric (the rungs are in
 * its TINYSWEEP_EVAL_AT).
 */
export interface AshaSearchSpec {
  kind: 'asha';
  /** Configurations to sample, like random search; absent = every configuration of the grid. */
  n?: number;
  /** Seed of the sampler when `n` is given. @defaultValue `0` */
  seed: number;
  /** Iterations before the first rung (≥ 1). Required. */
  minIterations: number;
  /**
   * Iterations a trial that is never stopped runs. For tinylora it is the trials' `optimizer.iterations`
   * (which must then be one value); required for the command backend.
   * @defaultValue `optimizer.iterations`
   */
  maxIterations: number;
  /** Reduction factor η (integer ≥ 2): rungs η times apart, the top 1/η continue. @defaultValue `3` */
  eta: number;
  /** The intermediate metric compared at rungs. @defaultValue `eval_acc` (tinylora), else `objective.metric` */
  metric: string;
  /** Whether a larger `metric` is better. @defaultValue `objective.mode` */
  mode: 'max' | 'min';
  /**
   * How trials pass a rung. `async` (Ray Tune's ASHAScheduler, Optuna's pruner): a trial reaching a
   * rung goes on if it is in the top 1/eta of what was recorded there so far, else it is stopped.
   * `pause` (the ASHA paper's promotions): a trial reaching a rung pauses there (its state
   * checkpointed, its slot freed) unless it is in the top ⌊n/eta⌋ of the n values recorded there;
   * paused trials are promoted — resumed from their checkpoint — when later arrivals put them in it,
   * and stopped once nothing else can reach their rung. Needs trials that checkpoint (tinylora does;
   * a command program prints checkpoints, see the README).
   * @defaultValue `async`: bench:search measured pausing no cheaper on the demo model (a median 52%
   *   and 51% of the grid's trainer time in two runs, async 40% and 52%): as many promotions, and
   *   resumptions on top
   */
  promotion?: 'pause' | 'async';
}

/** ASHA's settings without the sampling (`n`, `seed`): what a tpe search's `asha` holds. */
export type AshaSettings = Omit<AshaSearchSpec, 'kind' | 'n' | 'seed'>;

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011, as Optuna's TPESampler runs it): `startup`
 * random configurations first; then, as configurations finish, the dispatcher splits what finished
 * into the best γ (10%, at most 25) and the rest, fits a Parzen estimator to each over every axis
 * (lists as categorical, ranges as numbers, log-scaled ones on a log scale) and proposes the
 * candidate that maximizes l(x)/g(x) — seeded, and asynchronous: configurations still running count
 * as bad ones (a constant liar), so proposals made while they run spread out. It keeps `parallel`
 * configurations in flight until `n` have run. With `asha`, trials are also stopped (or paused) at
 * rungs, and the estimator is fitted at the largest budget that has enough results (BOHB's rule).
 */
export interface TpeSearchSpec {
  kind: 'tpe';
  /** Configurations to run in all (each once per seed). Required, ≥ 1. */
  n: number;
  /** Random configurations to start from (submitted at once). @defaultValue `min(10, n)` */
  startup: number;
  /** Seed of the random start and of the proposals. @defaultValue `0` */
  seed: number;
  /** Configurations in flight at once after the random start. @defaultValue `startup` */
  parallel: number;
  /** ASHA over the proposals (BOHB-like): `{ minIterations, maxIterations?, eta?, metric?, mode?, promotion? }`. */
  asha?: AshaSettings;
}

/**
 * Multi-objective search over the listed (discrete) axes: `n` random configurations first; then,
 * whenever configurations finish, the dispatcher sorts the finished ones into Pareto fronts
 * (nondominated sorting over `objectives`) and proposes unseen neighbours of the front (one axis one
 * step away), seeded, keeping `parallel` configurations in flight, until the sweep holds
 * `budget.maxTrials` trials or the space is exhausted.
 */
export interface ParetoSearchSpec {
  kind: 'pareto';
  /** Random configurations to start from (each × seeds). Required, ≥ 1. */
  n: number;
  /** Seed of the initial sample and of the proposals. @defaultValue `0` */
  seed: number;
  /** Configurations in flight at once (proposed as earlier ones finish). @defaultValue `n` */
  parallel: number;
  /**
   * What the front trades off (at least two). A metric the trials report, or `effective_params` /
   * `trainable_params` (the result's parameter counts).
   * @defaultValue `[objective, { metric: 'effective_params', mode: 'min' }]`
   */
  objectives: ObjectiveSpec[];
}

/** What "best" means: the metric trials report and whether higher is better. */
export interface ObjectiveSpec {
  /** Metric name as reported by the trainer. @defaultValue `'score'` */
  metric: string;
  /** `max`imize or `min`imize. @defaultValue `'max'` */
  mode: 'max' | 'min';
}

/** Limits that protect the cluster. */
export interface BudgetSpec {
  /**
   * Most trials the sweep may expand to (counted before duplicates collapse), 1 … 1,000,000. A pareto
   * search proposes configurations until the sweep holds this many trials (required there).
   * @defaultValue `1000`
   */
  maxTrials: number;
  /**
   * Per-attempt time limit in milliseconds, at most 7 days. Written as milliseconds or as text
   * (`30m`, `90s`, `2h`, `1h30m`).
   * @defaultValue `1800000` (`30m`)
   */
  trialTimeout: number;
  /** Retries after a failed attempt (0 … 100); a trial runs at most `retries + 1` times. @defaultValue `2` */
  retries: number;
}

/**
 * Resumable trials: how often a running trial's state is saved (to Postgres, through its dispatcher),
 * so a retried attempt — after a lost trainer, a restart, an ASHA pause — continues where it was
 * instead of starting over. Scheduling, not configuration: not part of a trial's params (nor of its
 * config hash). Trials also checkpoint at an ASHA sweep's rungs and at the end of training, whatever
 * `every` says. The tinylora backend checkpoints by itself; a command program does by printing
 * `{"step": …, "checkpoint": …}` lines (see the README).
 */
export interface CheckpointSpec {
  /** Steps (tinylora: generations) between checkpoints; 0 = only at rungs and the end of training. @defaultValue `10` */
  every: number;
}

/** A validated, normalized sweep spec (see the module comment); `SweepSpec` is this type. */
export interface NormalizedSweepSpec {
  /** Sweep name, 1 … 200 characters, no control characters (trimmed). Required. */
  name: string;
  /** Execution backend. @defaultValue `{ kind: 'tinylora' }` */
  backend: BackendSpec;
  /** Base model. Required for tinylora. */
  model?: ModelSpec;
  /** Task. Required for tinylora. */
  task?: TaskSpec;
  /** Adapter axes. Required for tinylora (its fields have defaults: `adapter: {}` is the paper's setup). */
  adapter?: AdapterAxes;
  /** Pruning axes; absent = no pruning. */
  prune?: PruneAxes;
  /** Optimizer axes; defaulted for tinylora, absent for command unless written. */
  optimizer?: OptimizerAxes;
  /** Where trials may run (device class, runtime); absent = anywhere the backend is. */
  resources?: ResourcesSpec;
  /**
   * Free-form extra axes, passed to trials at the top level of their params (`{lr}` in a command).
   * Names: letters, digits, `_` and `-`, starting with a letter or `_`; not `seed`, `trial_id`,
   * `sweep_id`, `attempt`, `params_file`, `adapter`, `prune`, `optimizer`, `model` or `task`.
   * Values: a scalar, a list of scalars (an axis), or a distribution (random search only).
   * @defaultValue `{}`
   */
  params: Record<string, ParamAxis>;
  /** Replicate seeds (0 … 2³¹−1, no duplicates); every configuration runs once per seed. @defaultValue `[0]` */
  seeds: number[];
  /** Search strategy. @defaultValue `{ kind: 'grid' }` */
  search: SearchSpec;
  /** Objective. @defaultValue `{ metric: 'score', mode: 'max' }` */
  objective: ObjectiveSpec;
  /** Budget. @defaultValue `{ maxTrials: 1000, trialTimeout: 1800000, retries: 2 }` */
  budget: BudgetSpec;
  /** Checkpoints of running trials; absent = `{ every: 10 }` (SPEC_DEFAULTS.checkpoint, applied by checkpointEvery). */
  checkpoint?: CheckpointSpec;
  /**
   * Result reuse: a trial whose configuration (params and seed, backend, and the model, data and engine
   * fingerprint its trainer reports) already succeeded in any sweep is not run again; its result is
   * linked (`reusedFromTrialId`). `false` runs every trial afresh.
   * @defaultValue `true`
   */
  reuse: boolean;
}

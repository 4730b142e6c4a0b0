/**
 * What one TinyLoRA trial is told: exactly the params libs/spec's planSweep gives a tinylora trial
 * (`{ adapter, prune?, optimizer, model, task, seed, …spec params at top level }`), plus the engine's
 * own defaults for what a spec may leave out (the optimizer's and prune's are libs/spec's
 * TRIAL_DEFAULTS, so a library caller gets the run a sweep would). The trainer backend validates
 * params into this shape; {@link resolveTrainConfig} applies the defaults once.
 *
 *   trainTinyLora({
 *     model: { path: '../shared/data/models/stories260K/stories260K.bin' },
 *     task: { kind: 'regex', pattern: '\\bTom\\b', prompts, evalPrompts, maxNewTokens: 16 },
 *     adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'all', rank: 2, u: 13, tie: { mode: 'full' } },
 *     optimizer: { kind: 'es', population: 16, sigma: 0.3, lr: 0.1, iterations: 40, batch: 16 },
 *     prune: { threshold: 0.3, retrainIterations: 5 },
 *     seed: 1,
 *   }, { models: new ModelCache() });
 */
import { TRIAL_DEFAULTS } from '@tinysweep/spec';
import type { AdapterConfig } from '@tinysweep/adapters';
import type { TinyLoraAdapterConfig } from '@tinysweep/adapters';
import { withoutUndefined } from '../defaults.js';
import type { OptimizerKind } from '../optimizers/interfaces/optimizer-state.js';
import type { TaskSpec } from '../tasks/create-task.js';
import { TrialConfigError } from './errors/trial-config-error.js';

/** How a population is scored on a training batch. */
export type ObjectiveKind = 'reward' | 'nll';

/**
 * The task section: a {@link TaskSpec} for createTask (`kind` and that kind's keys) plus the keys the
 * training loop reads itself, which are taken out before createTask sees the rest. They live here
 * because lm-evaluation-harness keeps them with the task too (`generation_kwargs`, `num_fewshot`).
 */
export interface TrainTaskSpec extends TaskSpec {
  /**
   * `reward`: fitness = mean task reward of greedy generations (works on non-differentiable rewards
   * such as exact match); `nll`: fitness = −(mean per-token NLL of the reference after the prompt).
   * @defaultValue `'reward'` for generation tasks, `'nll'` for multiple-choice tasks (ARC)
   */
  objective?: ObjectiveKind;
  /**
   * Tokens generated per prompt, in training and held-out evaluation. Short for a regex reward on a
   * story opening; GSM8K's chains of thought want ~256.
   * @defaultValue `32`
   */
  maxNewTokens?: number;
  /** Few-shot examples (drawn once from the train split, seed 0) in front of every prompt. @defaultValue `0` */
  fewShot?: number;
  /** Render prompts through the model's chat template (instruct models). @defaultValue `false` */
  chat?: boolean;
  /**
   * `'lm-eval'`: lm-evaluation-harness's settings for the task, so scores compare with papers —
   * its few-shot count (the first N train examples, as its `first_n` sampler), generation length and
   * stop strings (gsm8k: 5-shot, 256 tokens, until `Question:`, `</s>`, `<|im_end|>`; arc: 0-shot,
   * scored by log-likelihood). Explicit `fewShot` / `maxNewTokens` still win.
   */
  preset?: 'lm-eval';
  /** At most this many train examples (the first, in file order). @defaultValue all */
  trainSize?: number;
  /** At most this many held-out examples (the first, in file order). @defaultValue all */
  evalSize?: number;
}

/** One trial's parameters, as libs/spec expands them (one value per axis). */
export interface TinyLoraTrial {
  /** The base model: a HF directory or a llama2.c `.bin`, relative to the trainer's work directory. */
  model: { path: string };
  task: TrainTaskSpec;
  /**
   * The adapter: TinyLoRA's fields without `method` (or `method: tinylora`), another registered
   * method's config with its `method` (`lora-xs`, `lora`; see adapters/methods/).
   */
  adapter: TinyLoraAdapterConfig | AdapterConfig;
  /**
   * Magnitude pruning after training: one threshold per trial, as the spec sweeps them (trials that
   * differ only in it share one training, each pruning that training's adapter its own way).
   */
  prune?: { threshold: number; retrainIterations?: number };
  /** A field left out takes the sweep spec's default (libs/spec's `TRIAL_DEFAULTS.optimizer`). */
  optimizer: {
    /** A forward-only optimizer, or `grpo`: gradients by autograd (the torch device only; see gradient-steps.ts). */
    kind: OptimizerKind | 'grpo';
    /** Candidates per generation (es: even). */
    population?: number;
    /** Perturbation scale. */
    sigma?: number;
    /** Learning rate (es, spsa). */
    lr?: number;
    /** Generations. */
    iterations?: number;
    /** Training examples per generation (every candidate sees the same batch). */
    batch?: number;
    /** grpo: samples per prompt (the group advantages are relative to). */
    group?: number;
    /** grpo: sampling temperature. */
    temperature?: number;
    /** grpo: KL coefficient against the base model (v = 0); the default 0 is TRL's GRPOTrainer's. */
    kl?: number;
  };
  /** Replicate seed: optimizer noise and batch order. */
  seed: number;
  /**
   * Held-out evaluation every this many generations, streamed as `eval_acc` (0 = only before and after,
   * which is what a big eval set on a CPU can afford).
   * @defaultValue `0`
   */
  evalEvery?: number;
}

/** {@link TinyLoraTrial} with every default applied. */
export interface TrainConfig {
  modelPath: string;
  /** The task section without the loop's own keys: what createTask reads. */
  task: TaskSpec;
  objective: ObjectiveKind | undefined; // undefined: chosen from the task's output type
  maxNewTokens: number;
  fewShot: number;
  /** Few-shot examples are the first of train (lm-eval's `first_n`) rather than a seeded draw. */
  firstShots: boolean;
  chat: boolean;
  trainSize: number | undefined;
  evalSize: number | undefined;
  /** The trial's adapter; TinyLoRA's with its projectionSeed defaulted. */
  adapter: TinyLoraTrial['adapter'];
  optimizer: Required<TinyLoraTrial['optimizer']>;
  /** The trial's prune threshold; undefined: no pruning. */
  pruneThreshold: number | undefined;
  retrainIterations: number;
  seed: number;
  evalEvery: number;
}

/**
 * lm-evaluation-harness's settings per task kind (lm_eval/tasks/gsm8k/gsm8k.yaml: num_fewshot 5,
 * max_gen_toks 256 — the harness default —, until its three stop strings, which Gsm8kTask already
 * stops at; arc_challenge.yaml: no num_fewshot, so 0, multiple choice).
 */
export const LM_EVAL_PRESETS: Readonly<Record<string, { maxNewTokens: number; fewShot: number }>> = {
  gsm8k: { maxNewTokens: 256, fewShot: 5 },
  arc: { maxNewTokens: 32, fewShot: 0 },
};

/** Defaults applied once; throws a {@link TrialConfigError} naming the field on a value the loop cannot use. */
export function resolveTrainConfig(trial: TinyLoraTrial): TrainConfig {
  const { objective, preset, chat = false, trainSize, evalSize, ...rest } = trial.task;
  let defaults: { maxNewTokens: number; fewShot: number } = { maxNewTokens: 32, fewShot: 0 };
  if (preset !== undefined) {
    const known = LM_EVAL_PRESETS[rest.kind];
    if (preset !== 'lm-eval') throw new TrialConfigError('task.preset', `must be 'lm-eval' (got ${JSON.stringify(preset)})`);
    if (!known) throw new TrialConfigError('task.preset', `lm-eval has no task for kind ${JSON.stringify(rest.kind)} (presets: ${Object.keys(LM_EVAL_PRESETS).join(', ')})`);
    defaults = known;
  }
  const { maxNewTokens = defaults.maxNewTokens, fewShot = defaults.fewShot, ...task } = rest;
  const config: TrainConfig = {
    modelPath: trial.model.path,
    task,
    objective,
    maxNewTokens,
    fewShot,
    firstShots: preset === 'lm-eval',
    chat,
    trainSize,
    evalSize,
    adapter: trial.adapter.method === undefined || trial.adapter.method === 'tinylora' ? { projectionSeed: 0, ...trial.adapter } : trial.adapter,
    optimizer: { ...TRIAL_DEFAULTS.optimizer, ...withoutUndefined(trial.optimizer) },
    pruneThreshold: trial.prune?.threshold,
    retrainIterations: trial.prune?.retrainIterations ?? TRIAL_DEFAULTS.prune.retrainIterations,
    seed: trial.seed,
    evalEvery: trial.evalEvery ?? 0,
  };
  if (objective !== undefined && objective !== 'reward' && objective !== 'nll') throw new TrialConfigError('task.objective', `must be 'reward' or 'nll' (got ${JSON.stringify(objective)})`);
  if (typeof config.modelPath !== 'string' || config.modelPath === '') throw new TrialConfigError('model.path', 'must be a non-empty path');
  positiveInt('task.maxNewTokens', config.maxNewTokens);
  nonNegativeInt('task.fewShot', config.fewShot);
  positiveInt('optimizer.iterations', config.optimizer.iterations);
  positiveInt('optimizer.batch', config.optimizer.batch);
  if (config.optimizer.kind === 'grpo') {
    if (!Number.isInteger(config.optimizer.group) || config.optimizer.group < 2) throw new TrialConfigError('optimizer.group', `must be an integer ≥ 2: advantages are relative to the group (got ${config.optimizer.group})`);
    if (!(config.optimizer.temperature > 0)) throw new TrialConfigError('optimizer.temperature', `must be greater than 0 (got ${config.optimizer.temperature})`);
    if (!(config.optimizer.kl >= 0)) throw new TrialConfigError('optimizer.kl', `must be at least 0 (got ${config.optimizer.kl})`);
  }
  nonNegativeInt('prune.retrainIterations', config.retrainIterations);
  nonNegativeInt('evalEvery', config.evalEvery);
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 0xffffffff) throw new TrialConfigError('seed', `must be an integer in [0, 2^32) (got ${config.seed})`);
  const t = config.pruneThreshold;
  if (trial.prune !== undefined && !(typeof t === 'number' && t >= 0 && t < 1)) throw new TrialConfigError('prune.threshold', `must be one number in [0, 1) (got ${JSON.stringify(t)})`);
  return config;
}

function positiveInt(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 1) throw new TrialConfigError(name, `must be a positive integer (got ${x})`);
}

function nonNegativeInt(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0) throw new TrialConfigError(name, `must be a non-negative integer (got ${x})`);
}


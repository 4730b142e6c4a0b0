/**
 * A tinylora trial with the engine's defaults applied: the trial's type and schema are the trial
 * contract's (@tinysweep/trial: TinyLoraTrial, checked once at the edge it enters by), the defaults
 * for what a spec may leave out are libs/spec's TRIAL_DEFAULTS (so a library caller gets the run a
 * sweep would) and lm-eval's presets, applied here once.
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
import { checkTinyLoraTrial, TrialConfigError, type ObjectiveKind, type TinyLoraTrial } from '@tinysweep/trial';
import { withoutUndefined } from '../defaults.js';
import type { TaskSpec } from '../tasks/create-task.js';

export type { ObjectiveKind, TinyLoraTrial, TrainTaskSpec } from '@tinysweep/trial';

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

/**
 * Defaults applied once, to a trial the contract's schema checked (here, unless the edge that
 * handed it over did already); throws a {@link TrialConfigError} naming the field on a value the
 * loop cannot use.
 */
export function resolveTrainConfig(given: TinyLoraTrial): TrainConfig {
  const trial = checkTinyLoraTrial(given);
  const { objective, preset, chat = false, trainSize, evalSize, ...rest } = trial.task;
  let defaults: { maxNewTokens: number; fewShot: number } = { maxNewTokens: 32, fewShot: 0 };
  if (preset !== undefined) {
    const known = LM_EVAL_PRESETS[rest.kind];
    if (!known) throw new TrialConfigError('task.preset', `lm-eval has no task for kind ${JSON.stringify(rest.kind)} (presets: ${Object.keys(LM_EVAL_PRESETS).join(', ')})`);
    defaults = known;
  }
  const { maxNewTokens = defaults.maxNewTokens, fewShot = defaults.fewShot, ...task } = rest;
  return {
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
}

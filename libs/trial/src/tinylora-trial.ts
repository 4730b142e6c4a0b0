/**
 * A tinylora trial's params: exactly what libs/spec's planSweep writes for a tinylora trial
 * (`{ model, task, adapter, prune?, optimizer, seed, …spec params }`, one value per axis), as a type
 * and as the one schema that checks it — at the trainer's edge (params_json), and for a library
 * caller of the engine (trainTinyLora), never twice for one trial (see {@link checkTinyLoraTrial}).
 * Defaults for what a spec may leave out are the engine's (resolveTrainConfig), applied once.
 */
import { adapterMethod, adapterMethodNames, intField as int, positiveField as positive, type AdapterConfig, type TinyLoraAdapterConfig } from '@tinysweep/adapters';
import { z } from 'zod';
import { TrialConfigError } from './trial-config-error.js';

/** The optimizers a trial may name: forward-only (es, spsa, cmaes) or grpo (gradients, the torch device only). */
export type TrialOptimizerKind = 'es' | 'spsa' | 'cmaes' | 'grpo';

/** How a population is scored on a training batch. */
export type ObjectiveKind = 'reward' | 'nll';

/**
 * The task section: what the engine's createTask reads (`kind` and that kind's keys) plus the keys the
 * training loop reads itself, which are taken out before createTask sees the rest. They live here
 * because lm-evaluation-harness keeps them with the task too (`generation_kwargs`, `num_fewshot`).
 */
export interface TrainTaskSpec {
  /** The task kind (gsm8k, arc, arithmetic, regex, …); its other keys are the task's own. */
  kind: string;
  [key: string]: unknown;
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
    kind: TrialOptimizerKind;
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

const unit = z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be in [0, 1)' }).lt(1, { error: 'must be in [0, 1)' });

const trialSchema = z.strictObject({
  model: z.strictObject({ path: z.string({ error: 'required: the base model path' }).min(1, { error: 'must not be empty' }) }),
  task: z.looseObject({
    kind: z.string({ error: 'required: the task kind' }),
    objective: z.enum(['reward', 'nll'], { error: "must be 'reward' or 'nll'" }).optional(),
    preset: z.literal('lm-eval', { error: "must be 'lm-eval'" }).optional(),
    maxNewTokens: int(1).optional(),
    fewShot: int(0).optional(),
    chat: z.boolean({ error: 'must be true or false' }).optional(),
    trainSize: int(0).optional(),
    evalSize: int(0).optional(),
  }),
  // The adapter section is its method's (libs/adapters/src/methods/<method>/config.ts), chosen by `method`.
  adapter: z.unknown().superRefine((value, ctx) => {
    const name = typeof value === 'object' && value !== null && 'method' in value ? (value as { method: unknown }).method : undefined;
    if (name !== undefined && (typeof name !== 'string' || !adapterMethodNames().includes(name))) {
      ctx.addIssue({ code: 'custom', path: ['method'], message: `must be one of ${adapterMethodNames().join(', ')} (got ${JSON.stringify(name)})` });
      return;
    }
    const parsed = adapterMethod(name as string | undefined).trialSchema.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
  }),
  prune: z.strictObject({ threshold: unit, retrainIterations: int(0).optional() }).optional(),
  optimizer: z.strictObject({
    kind: z.enum(['es', 'spsa', 'cmaes', 'grpo'], { error: 'must be es, spsa, cmaes or grpo' }),
    population: int(1).optional(),
    sigma: positive.optional(),
    lr: positive.optional(),
    iterations: int(1).optional(),
    batch: int(1).optional(),
    group: int(2).optional(),
    temperature: positive.optional(),
    kl: z.number({ error: 'must be a number' }).min(0, { error: 'must be at least 0' }).optional(),
  }),
  seed: int(0, 0xffffffff),
  evalEvery: int(0).optional(),
});

/**
 * Trials that passed the schema: the edge that checked one (the trainer) hands it to the engine,
 * which then does not check it again. A WeakSet, so a checked trial needs no field of its own and
 * the params stay exactly what the spec planned.
 */
const checked = new WeakSet<object>();

/** The first problem of `params`, as its field (`adapter.rank`) and what is wrong; undefined when they are a tinylora trial. */
function firstProblem(params: unknown): { field: string; problem: string } | { trial: TinyLoraTrial } {
  const parsed = trialSchema.safeParse(params);
  if (parsed.success) {
    // The adapter passed its method's schema above; the method's prepare() reads it.
    const trial = parsed.data as TinyLoraTrial;
    checked.add(trial);
    return { trial };
  }
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const method = (params as { adapter?: { method?: unknown } }).adapter?.method;
    if (path === 'adapter' && typeof method === 'string') return { field: `adapter.${issue.keys[0]}`, problem: `does not apply to adapter.method ${method}` };
    const known = path === '' ? ' (a tinylora trial takes model, task, adapter, prune, optimizer, seed and the param evalEvery)' : '';
    return { field: path === '' ? issue.keys[0]! : `${path}.${issue.keys[0]}`, problem: `unknown parameter for the tinylora backend${known}` };
  }
  return { field: path || '(root)', problem: issue.message };
}

/** What {@link parseTinyLoraTrial} returns: the trial, or the first problem as `params.<field>: message`. */
export type ParsedTinyLoraTrial = { ok: true; trial: TinyLoraTrial } | { ok: false; error: string };

/** A run's params (params_json, parsed) as a tinylora trial; never throws. */
export function parseTinyLoraTrial(params: Record<string, unknown>): ParsedTinyLoraTrial {
  const r = firstProblem(params);
  return 'trial' in r ? { ok: true, trial: r.trial } : { ok: false, error: `params.${r.field}: ${r.problem}` };
}

/**
 * `trial`, checked: itself when an edge checked it already, else the checked copy; throws a
 * {@link TrialConfigError} naming the field.
 */
export function checkTinyLoraTrial(trial: TinyLoraTrial): TinyLoraTrial {
  if (checked.has(trial)) return trial;
  const r = firstProblem(trial);
  if ('trial' in r) return r.trial;
  throw new TrialConfigError(r.field, r.problem);
}

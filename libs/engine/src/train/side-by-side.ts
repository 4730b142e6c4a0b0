/**
 * Try it: the same prompts through the base model and through a trained adapter, greedy, side by
 * side — what a researcher reads to see what the numbers changed.
 *
 *   const r = await generateSideBySide({ trial, adapter, prompts: ['One day, there was a little girl named'] }, { models, baseDir });
 *   r.completions[0];   // { prompt, base: ' Lily. She liked …', adapted: ' Tom. He …' }
 *
 * Both run as ONE batched call of the adapter's session, the way a population does in training:
 *
 *   candidates [v = 0, v]  ×  prompts [B]  ──▶  rows [2·B]   (row c·B + i: candidate c, prompt i)
 *
 * v = 0 is the base model exactly. Prompts are laid out (few-shot shots, chat template, BOS) and
 * completions cut (EOS, the task's stop strings) by the code the trial's held-out evaluation ran
 * (trial-io.ts, rewardObjective), so a held-out prompt tried here gives the completion the trial
 * scored. The model, the session (keyed by the adapter's structure: the one its trial trained on)
 * and the SVD branches come from the node's ModelCache, so a warm node loads nothing.
 *
 * Errors that the request causes are {@link TrialConfigError}s whose `field` is a path into
 * {@link SideBySideRequest}: `trial.model.path`, `trial.task…`, `adapter.baseModel.hash`,
 * `adapter.structure`, `prompts[2]`, `maxNewTokens`.
 */
import { adapterFileMethod, type AnyAdapterFile } from '@tinysweep/adapters';
import { adapterMethod } from '@tinysweep/adapters';
import type { PolicyDevice } from '../device.js';
import type { Example } from '../tasks/task.js';
import { asTrialConfigError, TrialConfigError } from '@tinysweep/trial';
import type { ModelCache } from './model-cache.js';
import { encodePrompt, rewardObjective } from './objectives.js';
import { resolveTrainConfig, type TinyLoraTrial } from './tinylora-trial.js';
import { loadTrialTask, resolvePath, trialIo } from './trial-io.js';

/** What to generate. */
export interface SideBySideRequest {
  /** The trial's params: its model, and its task (prompt layout, stop strings, maxNewTokens). */
  trial: TinyLoraTrial;
  /** The trained adapter (structure + v, any method), e.g. `parseAnyAdapter(storedText)`. */
  adapter: AnyAdapterFile;
  /** Prompts as a user types them; each is laid out as the trial's own prompts were. */
  prompts: string[];
  /** Tokens per completion. @defaultValue the trial's `task.maxNewTokens` */
  maxNewTokens?: number;
}

/** Where it runs. */
export interface SideBySideContext {
  /** The node's models and sessions (the trainer's tinylora backend keeps one). */
  models: ModelCache;
  /** Relative model and data paths resolve against this. @defaultValue the working directory */
  baseDir?: string;
  /** Where to run. @defaultValue the cache's device */
  device?: PolicyDevice;
  /** Checked before the model call; the call throws its reason when aborted. */
  signal?: AbortSignal;
}

/** One prompt's two continuations. */
export interface SideBySideCompletion {
  prompt: string;
  /** The base model's (v = 0). */
  base: string;
  /** The base model's with the adapter. */
  adapted: string;
}

/** What {@link generateSideBySide} returns. */
export interface SideBySideResult {
  /** One per prompt, in order. */
  completions: SideBySideCompletion[];
  maxNewTokens: number;
  /** The model was already loaded. */
  modelHit: boolean;
  /** A session for the adapter's structure was already open. */
  sessionHit: boolean;
  /** The batched decoding alone. */
  generateSeconds: number;
}

/** Runs `fn`, re-rooting the field of a TrialConfigError it throws under `prefix` (`task` → `trial.task`). */
async function under<T>(prefix: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TrialConfigError) throw new TrialConfigError(`${prefix}.${err.field}`, err.problem, { cause: err });
    throw err;
  }
}

export async function generateSideBySide(req: SideBySideRequest, ctx: SideBySideContext): Promise<SideBySideResult> {
  const cfg = await under('trial', () => resolveTrainConfig(req.trial));
  const maxNewTokens = req.maxNewTokens ?? cfg.maxNewTokens;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new TrialConfigError('maxNewTokens', `must be a positive integer (got ${maxNewTokens})`);
  if (req.prompts.length === 0) throw new TrialConfigError('prompts', 'must hold at least one prompt');

  // ---- model, adapter plan, session (all cached on the node; the session is the trial's own)
  const modelPath = resolvePath(ctx.baseDir, cfg.modelPath);
  const { model, hit: modelHit } = await asTrialConfigError('trial.model.path', () => ctx.models.model(modelPath));
  if (req.adapter.baseModel.hash !== model.hash) {
    // The factors U, Σ, V come from the base weights: on another model the same v means something else.
    throw new TrialConfigError(
      'adapter.baseModel.hash',
      `the adapter was trained on model ${req.adapter.baseModel.hash.slice(0, 12)} (${req.adapter.baseModel.name ?? 'unnamed'}), but ${modelPath} is ${model.hash.slice(0, 12)}`,
    );
  }
  const prepared = await asTrialConfigError('adapter.structure', () => adapterMethod(adapterFileMethod(req.adapter)).fromFile(model, req.adapter, { factors: ctx.models.factors }));
  const refused = (ctx.device ?? ctx.models.device).refuses?.(prepared.session);
  if (refused) throw new TrialConfigError('adapter.method', refused);
  const lease = await ctx.models.session(model, prepared.session, ctx.device);
  try {
    // ---- prompts laid out as the trial's, each checked against the model's context
    const { task, formatPrompt } = await under('trial', () => asTrialConfigError('task', () => loadTrialTask(cfg, model, ctx.baseDir)));
    const io = trialIo(cfg, model, lease.session, formatPrompt);
    const examples: Example[] = req.prompts.map((prompt, i) => ({ id: `try:${i}`, prompt, target: '' }));
    examples.forEach((ex, i) => {
      const tokens = encodePrompt(io, ex).length;
      if (tokens === 0) throw new TrialConfigError(`prompts[${i}]`, 'encodes to no tokens');
      if (tokens + maxNewTokens > model.config.maxSeqLen) {
        throw new TrialConfigError(`prompts[${i}]`, `${tokens} tokens (laid out as the trial's prompts) + maxNewTokens ${maxNewTokens} exceed the model's context of ${model.config.maxSeqLen}`);
      }
    });
    ctx.signal?.throwIfAborted();

    // ---- one batched call: candidate 0 is the base model, candidate 1 the adapter; rewards are not
    // asked for (a typed prompt has no reference), only the completions, cut at the task's stop strings
    const dim = prepared.dim;
    const started = performance.now();
    const objective = rewardObjective({ ...io, task: { reward: () => 0, stopStrings: task.stopStrings }, maxNewTokens });
    const { completions } = await objective([new Float32Array(dim), Float32Array.from(req.adapter.v)], examples); // [2][B]
    const generateSeconds = (performance.now() - started) / 1000;
    const [base, adapted] = completions!;
    return {
      completions: req.prompts.map((prompt, i) => ({ prompt, base: base[i], adapted: adapted[i] })),
      maxNewTokens,
      modelHit,
      sessionHit: lease.hit,
      generateSeconds,
    };
  } finally {
    lease.release();
  }
}

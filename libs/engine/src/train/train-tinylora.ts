/**
 * Trains one TinyLoRA adapter with forward passes only, the way nanoGPT's train.py reads: a config,
 * small helpers, then one loop with commented phases.
 *
 *   const models = new ModelCache();                                  // kept across trials by a node
 *   const result = await trainTinyLora(trial, { models, baseDir, signal, events });
 *   result.metrics;   // { acc_before, acc_before_lo, acc_before_hi, acc, acc_lo, acc_hi, train_seconds, 'acc_pruned@0.3', score, … }
 *   result.adapter;   // AnyAdapterFile: structure + v (its method's), serializeAnyAdapter() writes it
 *
 * Order of a run: load the model (cached) → resolve the adapter structure and build its plan (SVD
 * branches cached) → open the session (cached by plan key) → load the task → held-out accuracy of the
 * base model (v = 0, exactly the base model) → the loop → held-out accuracy after → for each prune
 * threshold: prune, optionally retrain the survivors with the same loop, evaluate.
 *
 * Each generation is ONE batched model call: the population's adapters ride in `tinylora_v`
 * [P·B, groups, u] beside the batch's prompts, so a population of 32 on a batch of 16 is 512 rows.
 */
import { basename } from 'node:path';
import { countNonZero, pruneByMagnitude } from '@tinysweep/tinylora';
import type { AnyAdapterFile } from '@tinysweep/adapters';
import { adapterMethod } from '@tinysweep/adapters';
import type { PolicyDevice } from '../device.js';
import { Adam } from '../optimizers/adam.js';
import { createOptimizer } from '../optimizers/create-optimizer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { AdamState, OptimizerState } from '../optimizers/interfaces/optimizer-state.js';
import { mixSeed, NoiseDomain, permutation, streamSeed } from '../random.js';
import { evaluateGeneration, evaluateMultipleChoice } from './evaluate.js';
import { grpoStep, sftStep, type GradientStep } from './gradient-steps.js';
import { asTrialConfigError, TrialConfigError } from '@tinysweep/trial';
import type { ModelCache } from './model-cache.js';
import { nllObjective, rewardObjective, type Objective } from './objectives.js';
import { resolveTrainConfig, type ObjectiveKind, type TinyLoraTrial } from './tinylora-trial.js';
import { checkpointKey, CHECKPOINT_VERSION, readCheckpoint, type TrainCheckpoint } from './train-checkpoint.js';
import { loadTrialTask, resolvePath, trialIo } from './trial-io.js';

/** Where a run reports while it goes. */
export interface TrainEvents {
  /** A metrics snapshot after generation `step` (1-based, continuing through retraining). */
  progress?(step: number, metrics: Record<string, number>): void;
  /** A human-readable line. */
  log?(line: string): void;
  /**
   * The training loop's state after a step (see {@link TrainContext.checkpointEvery}): plain JSON-able
   * data that {@link TrainContext.resume} continues from. Called after that step's `progress`.
   */
  checkpoint?(checkpoint: TrainCheckpoint): void;
}

/** What a run needs besides its params. */
export interface TrainContext {
  /** Loaded models, sessions and SVD branches, kept across trials. */
  models: ModelCache;
  /**
   * Where this run's forward passes go (a trainer slot's torch worker, pinned to its GPU).
   * @defaultValue the cache's device
   */
  device?: PolicyDevice;
  /** Relative model and data paths resolve against this. @defaultValue the working directory */
  baseDir?: string;
  /** Checked between generations and evaluations; the run throws its reason when aborted. */
  signal?: AbortSignal;
  events?: TrainEvents;
  /**
   * Start from this trained adapter instead of training (a training shared by trials that differ only
   * in prune): it must fit the trial's model and structure; the run skips "before", the training loop
   * and "after", and goes straight to pruning, retraining where the training's batch order left off.
   * The metrics then hold only the pruning's and `score`.
   */
  from?: AnyAdapterFile;
  /**
   * Steps at which to report `eval_acc` as well as every `evalEvery` (an ASHA sweep's rungs: the
   * dispatcher needs the metric there and nowhere else). Scheduling, not configuration: it never
   * changes what is trained, so it is not part of the trial.
   */
  evalAt?: readonly number[];
  /**
   * Stop the training loop (not retraining) once it has run this many seconds, even before
   * `optimizer.iterations`: an equal wall-clock budget for comparing optimizers (bench:demo). A run
   * that stops on it is no longer a function of its params alone.
   */
  trainSeconds?: number;
  /**
   * Continue the training loop from this checkpoint (one an earlier run of the same trial wrote):
   * the run skips the base model's evaluation and the `step` generations done, and ends with the v
   * an uninterrupted run ends with. A checkpoint of another trial, model, device family or engine
   * version (see checkpoint.ts) is ignored and the run starts over, saying so in its log.
   */
  resume?: TrainCheckpoint;
  /**
   * Send `events.checkpoint` every this many training steps, at every `evalAt` step (an ASHA
   * sweep's rungs, where a trial may be paused) and after the last training step. 0: only at
   * `evalAt` steps and the last. Nothing is sent without `events.checkpoint`.
   * @defaultValue 0
   */
  checkpointEvery?: number;
}

/** The outcome of a run. */
export interface TinyLoraResult {
  /** Final metrics (see the module comment); `score` is the held-out accuracy of `adapter`. */
  metrics: Record<string, number>;
  /** Length of the trainable vector (TinyLoRA: groups × u; LoRA-XS: modules × r²; LoRA: Σ r·(in + out)). */
  trainableParams: number;
  /** Non-zero entries of the returned adapter (after the last prune threshold, if any). */
  effectiveParams: number;
  /** The trained adapter; pruned (and retrained) at the last threshold when the trial prunes. */
  adapter: AnyAdapterFile;
  /**
   * Held-out greedy completions of the base model and of the trained (unpruned) adapter, in held-out
   * order, for generation tasks: what changed, not just how much (e.g. the share of worked answers).
   */
  completions?: { before: string[]; after: string[] };
}

/** Held-out accuracy with its 95% interval (Wilson for 0/1 rewards). */
export interface HeldOut {
  acc: number;
  lo: number;
  hi: number;
  /** Held-out examples measured. */
  n: number;
  /** The task's other metrics on the same completions or choices (GSM8K: strict_match, flexible_extract; ARC: acc_norm). */
  named: Record<string, number>;
  /** The greedy completions, for generation tasks. */
  completions?: string[];
}

// ---- helpers ----------------------------------------------------------------------------------------

/** Where the training loop starts (steps already done, from a checkpoint) and what it does after each step. */
interface TrainingPhase {
  from: number;
  /** After generation `g`: checkpoint it if due; `state` reads the optimizer's state. */
  after(g: number, state: () => OptimizerState | AdamState): void;
}

/** Domain tag of the batch-order stream (beside random.ts's NoiseDomain tags). */
const BATCH_DOMAIN = 0x42410006;

/**
 * The training examples of generation `step` (1-based): consecutive slices of a seeded shuffle,
 * reshuffled every epoch, so every example is seen once per epoch and a run is reproducible from
 * (seed, step). A batch as large as the split is the whole split, in order.
 */
export function sampleBatch<T>(train: readonly T[], size: number, seed: number, step: number): T[] {
  if (train.length === 0) throw new Error('sampleBatch: no training examples');
  if (size >= train.length) return [...train];
  const perEpoch = Math.floor(train.length / size);
  const epoch = Math.floor((step - 1) / perEpoch);
  const order = permutation(mixSeed(BATCH_DOMAIN, seed, epoch), train.length);
  const start = ((step - 1) % perEpoch) * size;
  return order.slice(start, start + size).map((i) => train[i]);
}

/** `x` [kept] written into the positions `keep` of a zero vector [dim]: retraining moves only survivors. */
export function scatter(keep: readonly number[], x: ArrayLike<number>, dim: number): Float32Array {
  const v = new Float32Array(dim);
  keep.forEach((i, j) => (v[i] = x[j]));
  return v;
}

/**
 * What the returned adapter's held-out evaluation adds to the result: the task's named metrics
 * (lm-eval's strict_match and flexible_extract, acc_norm) and `eval_n`, the examples behind every
 * accuracy (so replicates pool into one binomial interval, see the API's configs).
 */
function heldOutMetrics(h: HeldOut | undefined): Record<string, number> {
  return h ? { ...h.named, eval_n: h.n } : {};
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}

// ---- the run ----------------------------------------------------------------------------------------

export async function trainTinyLora(trial: TinyLoraTrial, ctx: TrainContext): Promise<TinyLoraResult> {
  const cfg = resolveTrainConfig(trial);
  const log = (line: string) => ctx.events?.log?.(line);
  const checkAbort = () => ctx.signal?.throwIfAborted();

  // ---- model, adapter plan, session (all cached on the node)
  const modelPath = resolvePath(ctx.baseDir, cfg.modelPath);
  const { model, hit: modelHit } = await asTrialConfigError('model.path', () => ctx.models.model(modelPath));
  log(`${modelHit ? 'model cache hit' : 'model loaded'}: ${modelPath} (${model.config.nLayers} layers, hash ${model.hash.slice(0, 12)})`);
  const prepared = await asTrialConfigError('adapter', () => adapterMethod(cfg.adapter.method).prepare(model, cfg.adapter, { factors: ctx.models.factors }));
  const dim = prepared.dim; // length of the trainable vector
  const refused = (ctx.device ?? ctx.models.device).refuses?.(prepared.session);
  if (refused) throw new TrialConfigError('adapter.method', refused);
  const lease = await ctx.models.session(model, prepared.session, ctx.device);
  log(`adapter: ${prepared.summary}; session ${lease.hit ? 'cache hit' : 'opened'}`);
  checkAbort();

  try {
    // ---- task, policy, objective, evaluation
    const { task, train, held, formatPrompt } = await asTrialConfigError('task', () => loadTrialTask(cfg, model, ctx.baseDir));
    const objectiveKind: ObjectiveKind = cfg.objective ?? (task.outputType === 'multiple_choice' ? 'nll' : 'reward');
    if (objectiveKind === 'reward' && task.outputType === 'multiple_choice') throw new TrialConfigError('task.objective', `a ${task.name} task is multiple choice; train it with 'nll'`);
    const io = trialIo(cfg, model, lease.session, formatPrompt);
    const objective: Objective =
      objectiveKind === 'reward' ? rewardObjective({ ...io, task, maxNewTokens: cfg.maxNewTokens }) : nllObjective({ ...io });
    // The last evaluation, reused when asked again for the same v (the mean after the final generation
    // was just evaluated when evalEvery divides the iterations or evalAt holds them; threshold 0 prunes nothing).
    let lastEval: { v: Float32Array; result: HeldOut } | undefined;
    const evaluate = async (v: Float32Array): Promise<HeldOut> => {
      checkAbort();
      if (lastEval && lastEval.v.length === v.length && lastEval.v.every((x, i) => x === v[i])) return lastEval.result;
      const result = await evaluateOnce(v);
      lastEval = { v: Float32Array.from(v), result };
      return result;
    };
    const evaluateOnce = async (v: Float32Array): Promise<HeldOut> => {
      if (task.outputType === 'multiple_choice') {
        const { acc, accNorm } = await evaluateMultipleChoice(v, held, io);
        return { acc: acc.estimate, lo: acc.lo, hi: acc.hi, n: held.length, named: { acc_norm: accNorm.estimate } };
      }
      const r = await evaluateGeneration(v, held, { ...io, task, maxNewTokens: cfg.maxNewTokens });
      return { acc: r.mean, lo: r.ci[0], hi: r.ci[1], n: r.n, named: r.metrics, completions: r.completions };
    };
    const { population, sigma, lr, kind, iterations, batch } = cfg.optimizer;
    const evalAt = new Set(ctx.evalAt);
    if (kind === 'grpo' && !(io.policy.sample && io.policy.gradient)) {
      const on = (ctx.device ?? ctx.models.device).name;
      throw new TrialConfigError('optimizer.kind', `grpo needs sampling and gradients, which the ${on} device cannot compute; run it on a trainer started with --device torch (or torch:cuda)`);
    }
    const newOptimizer = (dims: number, seed: number, init?: ArrayLike<number>) => {
      if (kind === 'grpo') throw new Error('grpo is not an ask/tell optimizer');
      return createOptimizer({ kind, dim: dims, seed, population, sigma, lr, init });
    };
    let step = 0; // generations run so far, over training and every retraining
    const wantsEval = (g: number) => (cfg.evalEvery > 0 && g % cfg.evalEvery === 0) || evalAt.has(step);

    /**
     * THE loop: `iterations` generations of ask → one batched objective → tell, streaming progress and
     * evaluating on held-out data every `evalEvery` and at `evalAt`. `toV` maps the optimizer's vector to the full v
     * (identity for training, a scatter into the survivors for retraining after pruning).
     */
    const optimise = async (opt: Optimizer, toV: (x: Float32Array) => Float32Array, generations: number, extra: Record<string, number> = {}, deadline = Infinity, phase?: TrainingPhase) => {
      const logEvery = Math.max(1, Math.round(generations / 10));
      for (let g = (phase?.from ?? 0) + 1; g <= generations && performance.now() < deadline; g++) {
        checkAbort();
        step++;
        const t0 = performance.now();
        // ask: this generation's candidates, [P][dim'], as full adapter vectors [P][groups·u]
        const candidates = opt.ask().map(toV);
        // evaluate: every candidate on the same batch (common random numbers), ONE call of P·B rows
        const examples = sampleBatch(train, batch, cfg.seed, step);
        const { fitness } = await objective(candidates, examples); // [P]
        // tell: the optimizer's update from fitness alone
        opt.tell(fitness);
        // log: mean and best candidate of this generation (reward, or NLL = −fitness)
        const mean = fitness.reduce((s, f) => s + f, 0) / fitness.length;
        const best = Math.max(...fitness);
        const metrics: Record<string, number> =
          objectiveKind === 'reward' ? { train_reward: mean, best_reward: best } : { train_nll: -mean, best_nll: -best };
        if ('currentSigma' in opt && typeof opt.currentSigma === 'number') metrics.sigma = opt.currentSigma;
        // eval: held-out accuracy of the current mean, now and then
        if (wantsEval(g)) metrics.eval_acc = (await evaluate(toV(opt.mean))).acc;
        ctx.events?.progress?.(step, { ...metrics, ...extra });
        phase?.after(g, () => opt.state());
        if (g === 1 || g % logEvery === 0 || g === generations) {
          log(`step ${step}: ${Object.entries(metrics).map(([k, x]) => `${k} ${fmt(x)}`).join(', ')} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
        }
      }
      return toV(opt.mean);
    };

    /**
     * The gradient loop (`kind: grpo`): the same phases with one sampled batch and one autograd
     * gradient per step, Adam over the entries `keep` (all of v for training, the survivors when
     * retraining), started at `init`. GRPO for a reward, SFT for the NLL objective.
     */
    const newAdam = (init: Float32Array, keep: readonly number[] | undefined) => new Adam({ dim: keep ? keep.length : dim, lr, init: keep ? keep.map((j) => init[j]) : init });
    const gradientStep = (v: Float32Array, examples: typeof train): Promise<GradientStep> =>
      objectiveKind === 'reward'
        ? grpoStep(v, examples, {
            ...io,
            task,
            maxNewTokens: cfg.maxNewTokens,
            stopIds: model.tokenizer.eosIds,
            group: cfg.optimizer.group,
            temperature: cfg.optimizer.temperature,
            kl: cfg.optimizer.kl,
            seed: streamSeed(NoiseDomain.Grpo, cfg.seed, step),
          })
        : sftStep(v, examples, io);
    const optimiseByGradient = async (init: Float32Array, keep: readonly number[] | undefined, generations: number, extra: Record<string, number> = {}, deadline = Infinity, phase?: TrainingPhase, adam = newAdam(init, keep)) => {
      const toV = (x: Float32Array) => (keep ? scatter(keep, x, dim) : x);
      const logEvery = Math.max(1, Math.round(generations / 10));
      for (let g = (phase?.from ?? 0) + 1; g <= generations && performance.now() < deadline; g++) {
        checkAbort();
        step++;
        const t0 = performance.now();
        const { grad, metrics } = await gradientStep(toV(adam.mean), sampleBatch(train, batch, cfg.seed, step));
        if (grad) adam.step(keep ? keep.map((j) => grad[j]) : grad);
        if (wantsEval(g)) metrics.eval_acc = (await evaluate(toV(adam.mean))).acc;
        ctx.events?.progress?.(step, { ...metrics, ...extra });
        phase?.after(g, () => adam.state());
        if (g === 1 || g % logEvery === 0 || g === generations) {
          log(`step ${step}: ${Object.entries(metrics).map(([k, x]) => `${k} ${fmt(x)}`).join(', ')} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
        }
      }
      return toV(adam.mean);
    };

    /** The trial's prune threshold on the trained v (retraining the survivors if asked): the final adapter. */
    const prune = async (trained: Float32Array, unpruned: HeldOut | undefined) => {
      const out: Record<string, number> = {};
      const threshold = cfg.pruneThreshold;
      if (threshold === undefined) return { v: trained, acc: unpruned?.acc ?? Number.NaN, held: unpruned, prune: undefined, metrics: out };
      let v = pruneByMagnitude(trained, threshold).v;
      const keep = [...v.keys()].filter((j) => v[j] !== 0);
      if (cfg.retrainIterations > 0 && keep.length > 0) {
        if (kind === 'grpo') v = await optimiseByGradient(v, keep, cfg.retrainIterations, { prune_threshold: threshold });
        else {
          // the retraining's own stream of the trial's seed: trials sharing a training retrain alike
          const opt = newOptimizer(keep.length, streamSeed(NoiseDomain.Retrain, cfg.seed), keep.map((j) => v[j]));
          v = await optimise(opt, (x) => scatter(keep, x, dim), cfg.retrainIterations, { prune_threshold: threshold });
        }
      }
      const pruned = await evaluate(v);
      out[`acc_pruned@${threshold}`] = pruned.acc;
      out[`effective_params@${threshold}`] = countNonZero(v);
      log(`pruned at ${threshold}: ${countNonZero(v)} of ${dim} left, held-out ${fmt(pruned.acc)} [${fmt(pruned.lo)}, ${fmt(pruned.hi)}]`);
      return { v, acc: pruned.acc, held: pruned, prune: { threshold }, metrics: out };
    };

    const metrics: Record<string, number> = {};
    if (ctx.from) {
      // ---- a stored training: prune it, as the end of this run would have
      const from = ctx.from;
      const trained = await asTrialConfigError('adapter', () => prepared.storedV(from, model.hash));
      step = iterations;
      log(`starting from the stored adapter (${countNonZero(trained)} of ${dim} non-zero); no training`);
      const pruned = await prune(trained, cfg.pruneThreshold !== undefined ? undefined : await evaluate(trained));
      metrics.score = pruned.acc;
      Object.assign(metrics, pruned.metrics, heldOutMetrics(pruned.held));
      const adapter = prepared.file({ baseModel: { hash: model.hash, name: basename(model.source) }, v: pruned.v, prune: pruned.prune });
      return { metrics, trainableParams: adapter.trainableParams, effectiveParams: adapter.effectiveParams, adapter };
    }

    // ---- resume: a checkpoint of this very training (else start over, saying why)
    const key = checkpointKey(trial, model.hash, (ctx.device ?? ctx.models.device).name);
    // Methods whose zero vector is not their start (LoRA's seeded A) start at prepared.init.
    const opt = kind === 'grpo' ? undefined : newOptimizer(dim, cfg.seed, prepared.init);
    const adam = kind === 'grpo' ? newAdam(prepared.init ?? new Float32Array(dim), undefined) : undefined;
    let resumed: TrainCheckpoint | undefined;
    if (ctx.resume) {
      const c = readCheckpoint(ctx.resume);
      const problem = 'problem' in c ? c.problem : c.key !== key ? 'it belongs to another trial, model, device or engine version' : c.step > iterations ? `its step ${c.step} is past optimizer.iterations ${iterations}` : restoreInto(c);
      if (problem) log(`checkpoint not used (${problem}): training from the start`);
      else resumed = c as TrainCheckpoint;
    }
    function restoreInto(c: TrainCheckpoint): string | undefined {
      try {
        if (adam) adam.restore(c.optimizer as AdamState);
        else opt!.restore(c.optimizer as OptimizerState);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    }

    // ---- before: the base model (v = 0 is the base model exactly, whatever the adapter's structure, so
    // one evaluation per model and task serves every trial on this node)
    const base = () => evaluateOnce(new Float32Array(dim));
    // Another trial's evaluation may fail for its own reasons (cancelled): then this one evaluates itself.
    const before: HeldOut =
      resumed?.before ??
      (await ctx.models.memo(`held-out before|${model.hash}|${JSON.stringify(trial.task)}`, base).catch((err: unknown) => {
        if (ctx.signal?.aborted) throw err;
        return base();
      }));
    Object.assign(metrics, { acc_before: before.acc, acc_before_lo: before.lo, acc_before_hi: before.hi });
    log(`held-out before: ${fmt(before.acc)} [${fmt(before.lo)}, ${fmt(before.hi)}] on ${held.length} examples; training on ${train.length} (${objectiveKind})`);

    // ---- train (from the checkpoint's step, if resuming), checkpointing as asked
    const started = performance.now();
    const priorSeconds = resumed?.trainSeconds ?? 0;
    const every = ctx.checkpointEvery ?? 0;
    const phase: TrainingPhase = {
      from: resumed?.step ?? 0,
      after: (g, state) => {
        if (!ctx.events?.checkpoint || !((every > 0 && g % every === 0) || evalAt.has(g) || g === iterations)) return;
        const trainSeconds = priorSeconds + (performance.now() - started) / 1000;
        ctx.events.checkpoint({ version: CHECKPOINT_VERSION, key, step: g, optimizer: state(), before: { acc: before.acc, lo: before.lo, hi: before.hi, n: before.n, named: before.named }, trainSeconds });
      },
    };
    step = phase.from;
    if (resumed) log(`resuming from the checkpoint at step ${resumed.step} of ${iterations}`);
    const deadline = ctx.trainSeconds === undefined ? Infinity : started + ctx.trainSeconds * 1000;
    const trained = adam
      ? await optimiseByGradient(prepared.init ?? new Float32Array(dim), undefined, iterations, {}, deadline, phase, adam)
      : await optimise(opt!, (x) => x, iterations, {}, deadline, phase);
    metrics.train_seconds = priorSeconds + (performance.now() - started) / 1000;
    if (ctx.trainSeconds !== undefined) metrics.train_steps = step; // where the budget stopped it
    const after = await evaluate(trained);
    Object.assign(metrics, { acc: after.acc, acc_lo: after.lo, acc_hi: after.hi });
    log(`held-out after: ${fmt(after.acc)} [${fmt(after.lo)}, ${fmt(after.hi)}] in ${metrics.train_seconds.toFixed(1)} s`);

    // ---- prune (and retrain the survivors)
    const final = await prune(trained, after);
    Object.assign(metrics, final.metrics, heldOutMetrics(final.held));
    metrics.score = final.acc;

    // ---- the adapter file: structure + v, everything needed to rebuild it from the base model
    const adapter = prepared.file({ baseModel: { hash: model.hash, name: basename(model.source) }, v: final.v, prune: final.prune });
    const completions = before.completions && after.completions ? { before: before.completions, after: after.completions } : undefined;
    return { metrics, trainableParams: adapter.trainableParams, effectiveParams: adapter.effectiveParams, adapter, completions };
  } finally {
    lease.release();
  }
}

/**
 * Fitness functions for the optimizers: score a whole population of adapter vectors on a batch of
 * examples with ONE batched model call (or a few, when `maxRowsPerCall` caps the rows).
 *
 * Rows are candidate-major: row r = c·B + i carries candidate c's v and example i's prompt, so the
 * adapter input is the population repeated over the batch:
 *
 *   candidates [P][dim]  ──repeat each B times──▶  adapterV [P·B, groups, u]   (flat, float32)
 *   prompts    [B][T_i]  ──tile P times─────────▶  prompts  [P·B][T_i]
 *
 *   const objective = rewardObjective({ policy, codec, task, maxNewTokens: 256, stopIds: [eos] });
 *   const { fitness } = await objective(optimizer.ask(), batch);    // fitness [P] = mean reward
 *   optimizer.tell(fitness);
 */
import type { Policy, TextCodec } from '../policy.js';
import { truncateAtStop } from '../tasks/prompt.js';
import type { Example, Task } from '../tasks/task.js';

/** What an objective reports for one population on one batch. */
export interface ObjectiveResult {
  /** Per candidate, larger is better: [P]. */
  fitness: number[];
  /** Per candidate and example: rewards (reward objective) or NLLs (NLL objective), [P][B]. */
  scores: number[][];
  /** Per candidate and example, the decoded completions cut at the stop strings (reward objective only), [P][B]. */
  completions?: string[][];
}

/** Scores candidates on a batch of examples. */
export type Objective = (candidates: readonly Float32Array[], batch: readonly Example[]) => Promise<ObjectiveResult>;

/** Options both objectives share. */
export interface ObjectiveOptions {
  policy: Policy;
  codec: TextCodec;
  /**
   * The text given to the model for an example: plain `ex.prompt`, or a few-shot / chat prompt
   * (e.g. `(ex) => buildPrompt(ex, { shots, chatTemplate })`).
   * @defaultValue `(ex) => ex.prompt`
   */
  formatPrompt?: (ex: Example) => string;
  /**
   * Prepended to every prompt / context (a BOS id), since `codec.encode` adds no special tokens.
   * @defaultValue none
   */
  bosId?: number;
  /**
   * Most rows per model call; larger populations × batches are split into several calls (memory).
   * @defaultValue `Infinity` (one call)
   */
  maxRowsPerCall?: number;
}

/** Options of {@link rewardObjective}. */
export interface RewardObjectiveOptions extends ObjectiveOptions {
  /** The reward and stop strings (a Task has both). */
  task: Pick<Task, 'reward' | 'stopStrings' | 'metrics'>;
  /** Tokens generated per row at most. */
  maxNewTokens: number;
  /**
   * Ids that end a row's generation (EOS, end of turn).
   * @defaultValue the policy's own (DecoderSession: the tokenizer's EOS ids)
   */
  stopIds?: number[];
}

/** Options of {@link nllObjective}. */
export interface NllObjectiveOptions extends ObjectiveOptions {
  /**
   * Between the prompt and the reference (lm-eval's `target_delimiter`).
   * @defaultValue `' '`
   */
  targetDelimiter?: string;
  /**
   * NLL per example: mean over the reference's tokens (`'token'`) or their sum (`'sum'`).
   * @defaultValue `'token'`
   */
  normalise?: 'token' | 'sum';
}

/**
 * Fitness = mean task reward over the batch of each candidate's greedy completions.
 * Completions are cut before the first stop id, decoded, and cut at the task's stop strings before scoring.
 */
export function rewardObjective(opts: RewardObjectiveOptions): Objective {
  checkCommon(opts);
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 1) throw new Error(`maxNewTokens must be a positive integer (got ${opts.maxNewTokens})`);
  // Passed on as given: absent lets the policy use its own default (DecoderSession: the EOS ids).
  const stopIds = opts.stopIds;
  return async (candidates, batch) => {
    const { dim, pop, b } = shapes(candidates, batch);
    const prompts = batch.map((ex) => encodePrompt(opts, ex)); // [B][T_i]
    const generated = await inChunks(pop * b, opts.maxRowsPerCall, (start, end) =>
      opts.policy.generate(tile(prompts, start, end), { maxNewTokens: opts.maxNewTokens, adapterV: repeatCandidates(candidates, b, dim, start, end), stopIds }),
    ); // [P·B][≤ maxNewTokens]
    const completions: string[][] = [];
    const scores: number[][] = [];
    for (let c = 0; c < pop; c++) {
      completions.push([]);
      scores.push([]);
      for (let i = 0; i < b; i++) {
        const ids = cutAtStopId(generated[c * b + i], stopIds ?? []);
        const text = truncateAtStop(opts.codec.decode(ids), opts.task.stopStrings);
        completions[c].push(text);
        scores[c].push(opts.task.reward(text, batch[i]));
      }
    }
    return { fitness: scores.map(mean), scores, completions };
  };
}

/** Fitness = − mean NLL of each example's reference (`ex.target`) after its prompt, per candidate. */
export function nllObjective(opts: NllObjectiveOptions): Objective {
  checkCommon(opts);
  const delimiter = opts.targetDelimiter ?? ' ';
  const normalise = opts.normalise ?? 'token';
  if (normalise !== 'token' && normalise !== 'sum') throw new Error(`normalise must be 'token' or 'sum' (got ${JSON.stringify(normalise)})`);
  return async (candidates, batch) => {
    const { dim, pop, b } = shapes(candidates, batch);
    const pairs = batch.map((ex) => {
      const pair = encodePair(opts.codec, (opts.formatPrompt ?? defaultFormat)(ex), delimiter + ex.target);
      if (pair.continuation.length === 0) throw new Error(`${ex.id}: the reference encodes to no tokens`);
      return { context: opts.bosId === undefined ? pair.context : [opts.bosId, ...pair.context], continuation: pair.continuation };
    });
    const contexts = pairs.map((p) => p.context);
    const continuations = pairs.map((p) => p.continuation);
    const logprobs = await inChunks(pop * b, opts.maxRowsPerCall, (start, end) =>
      opts.policy.logprobs(tile(contexts, start, end), tile(continuations, start, end), repeatCandidates(candidates, b, dim, start, end)),
    ); // [P·B]
    const scores: number[][] = [];
    for (let c = 0; c < pop; c++) {
      // 0 − x rather than −x: a perfect score is +0, not −0.
      scores.push(batch.map((_, i) => 0 - logprobs[c * b + i] / (normalise === 'token' ? continuations[i].length : 1)));
    }
    return { fitness: scores.map((s) => 0 - mean(s)), scores };
  };
}

/**
 * Context and continuation ids the way lm-evaluation-harness's `_encode_pair` makes them: trailing
 * spaces of the context move to the continuation, the whole string is encoded once, and the
 * continuation is what follows the context's own encoding — so the boundary tokenises as it would in
 * running text.
 */
export function encodePair(codec: TextCodec, context: string, continuation: string): { context: number[]; continuation: number[] } {
  const trimmed = context.replace(/\s+$/, '');
  const spaces = context.length - trimmed.length;
  const ctx = spaces > 0 ? trimmed : context;
  const cont = spaces > 0 ? context.slice(trimmed.length) + continuation : continuation;
  const whole = codec.encode(ctx + cont);
  const contextIds = codec.encode(ctx);
  return { context: contextIds, continuation: whole.slice(contextIds.length) };
}

/**
 * The adapter input for rows [start, end) of a population repeated over a batch of b:
 * row r carries candidate ⌊r / b⌋. Returns float32 `[end − start, dim]` (i.e. `[rows, groups, u]`).
 */
export function repeatCandidates(candidates: readonly Float32Array[], b: number, dim: number, start = 0, end = candidates.length * b): Float32Array {
  const out = new Float32Array((end - start) * dim); // [rows, groups, u]
  for (let r = start; r < end; r++) out.set(candidates[Math.floor(r / b)], (r - start) * dim);
  return out;
}

// ---- helpers ----------------------------------------------------------------------------------------

const defaultFormat = (ex: Example): string => ex.prompt;

/** The ids an objective feeds the model for `ex`: BOS (when given) and the laid-out prompt. */
export function encodePrompt(opts: ObjectiveOptions, ex: Example): number[] {
  const ids = opts.codec.encode((opts.formatPrompt ?? defaultFormat)(ex));
  return opts.bosId === undefined ? ids : [opts.bosId, ...ids];
}

/** Rows [start, end) of `perExample` tiled over the population: row r is perExample[r mod B]. */
function tile<T>(perExample: readonly T[], start: number, end: number): T[] {
  const out: T[] = [];
  for (let r = start; r < end; r++) out.push(perExample[r % perExample.length]);
  return out;
}

/** Runs `call` over [0, rows) in chunks of at most `max` rows and concatenates the results. */
export async function inChunks<T>(rows: number, max: number | undefined, call: (start: number, end: number) => Promise<T[]>): Promise<T[]> {
  const size = max ?? Infinity;
  const out: T[] = [];
  for (let start = 0; start < rows; start += size) {
    const end = Math.min(rows, start + size);
    const part = await call(start, end);
    if (part.length !== end - start) throw new Error(`the policy returned ${part.length} rows for ${end - start}`);
    out.push(...part);
  }
  return out;
}

function shapes(candidates: readonly Float32Array[], batch: readonly Example[]): { dim: number; pop: number; b: number } {
  if (candidates.length === 0) throw new Error('an objective needs at least one candidate');
  if (batch.length === 0) throw new Error('an objective needs at least one example');
  const dim = candidates[0].length;
  candidates.forEach((c, i) => {
    if (c.length !== dim) throw new Error(`candidate ${i} has length ${c.length}, candidate 0 has ${dim}: all must have the adapter's dim`);
  });
  return { dim, pop: candidates.length, b: batch.length };
}

/** The ids before the first stop id (a policy may include the stop id, or pad finished rows with it). */
function cutAtStopId(ids: number[], stopIds: readonly number[]): number[] {
  const i = ids.findIndex((id) => stopIds.includes(id));
  return i < 0 ? ids : ids.slice(0, i);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function checkCommon(opts: ObjectiveOptions): void {
  if (opts.maxRowsPerCall !== undefined && !(opts.maxRowsPerCall === Infinity || (Number.isInteger(opts.maxRowsPerCall) && opts.maxRowsPerCall >= 1))) {
    throw new Error(`maxRowsPerCall must be a positive integer (got ${opts.maxRowsPerCall})`);
  }
}

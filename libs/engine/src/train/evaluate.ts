/**
 * Held-out evaluation of one adapter vector, with a 95% interval:
 *
 *   await evaluateGeneration(v, evalSplit, { policy, codec, task, maxNewTokens: 256 })
 *   // { mean: 0.41, ci: [0.37, 0.45], n: 500, … }       Wilson for 0/1 rewards, t otherwise
 *   await evaluateMultipleChoice(v, arcTest, { policy, codec })
 *   // { acc: { estimate, lo, hi, … }, accNorm: { … }, … } lm-eval's acc and acc_norm
 */
import type { TextCodec } from '../policy.js';
import { proportionCi, meanCi, type ProportionInterval } from '../stats/intervals.js';
import { multipleChoiceRequests, scoreMultipleChoice, type MultipleChoicePrediction } from '../tasks/multiple-choice.js';
import type { Example } from '../tasks/task.js';
import { encodePair, inChunks, rewardObjective, type ObjectiveOptions, type RewardObjectiveOptions } from './objectives.js';

/** The result of {@link evaluateGeneration}. */
export interface GenerationEvaluation {
  /** Mean reward (accuracy for exact-match tasks). */
  mean: number;
  /** 95% interval of the mean: Wilson when every reward is 0 or 1, Student t otherwise. */
  ci: [number, number];
  n: number;
  rewards: number[];
  completions: string[];
  /** The task's named metrics (Task.metrics), each averaged over the examples; empty when it has none. */
  metrics: Record<string, number>;
}

/** Generates for every example under adapter `v` and scores the completions with the task's reward. */
export async function evaluateGeneration(v: Float32Array, examples: readonly Example[], opts: RewardObjectiveOptions): Promise<GenerationEvaluation> {
  const { scores, completions } = await rewardObjective(opts)([v], examples);
  const rewards = scores[0];
  const n = rewards.length;
  const texts = completions?.[0] ?? [];
  const metrics: Record<string, number> = {};
  if (opts.task.metrics && texts.length === n) {
    for (const [i, text] of texts.entries()) for (const [k, x] of Object.entries(opts.task.metrics(text, examples[i]))) metrics[k] = (metrics[k] ?? 0) + x / n;
  }
  if (rewards.every((r) => r === 0 || r === 1)) {
    const wilson = proportionCi(rewards.filter((r) => r === 1).length, n);
    return { mean: wilson.estimate, ci: [wilson.lo, wilson.hi], n, rewards, completions: texts, metrics };
  }
  const t = meanCi(rewards);
  return { mean: t.mean, ci: [t.lo, t.hi], n, rewards, completions: texts, metrics };
}

/** The result of {@link evaluateMultipleChoice}. */
export interface MultipleChoiceEvaluation {
  /** lm-eval's acc, with a Wilson 95% interval. */
  acc: ProportionInterval;
  /** lm-eval's acc_norm (per-character normalised), with a Wilson 95% interval. */
  accNorm: ProportionInterval;
  /** Per example: summed log-probability of each choice. */
  logprobs: number[][];
  predictions: MultipleChoicePrediction[];
}

/** Scores every choice of every example by log-likelihood under adapter `v` (one row per choice). */
export async function evaluateMultipleChoice(
  v: Float32Array,
  examples: readonly Example[],
  opts: ObjectiveOptions & { targetDelimiter?: string },
): Promise<MultipleChoiceEvaluation> {
  const codec: TextCodec = opts.codec;
  const contexts: number[][] = [];
  const continuations: number[][] = [];
  const owner: number[] = []; // row → example index
  examples.forEach((ex, i) => {
    const { context, continuations: conts } = multipleChoiceRequests(ex, {
      context: opts.formatPrompt ? opts.formatPrompt(ex) : ex.prompt,
      targetDelimiter: opts.targetDelimiter,
    });
    for (const cont of conts) {
      const pair = encodePair(codec, context, cont);
      contexts.push(opts.bosId === undefined ? pair.context : [opts.bosId, ...pair.context]);
      continuations.push(pair.continuation);
      owner.push(i);
    }
  });
  const rows = contexts.length;
  const lps = await inChunks(rows, opts.maxRowsPerCall, (start, end) => {
    const adapter = new Float32Array((end - start) * v.length); // [rows, groups, u]
    for (let r = 0; r < end - start; r++) adapter.set(v, r * v.length);
    return opts.policy.logprobs(contexts.slice(start, end), continuations.slice(start, end), adapter);
  });
  const logprobs: number[][] = examples.map(() => []);
  lps.forEach((lp, r) => logprobs[owner[r]].push(lp));
  const predictions = examples.map((ex, i) => scoreMultipleChoice(logprobs[i], ex.choices ?? []));
  const gold = examples.map((ex) => {
    if (ex.answerIndex === undefined) throw new Error(`${ex.id}: no answerIndex to score against`);
    return ex.answerIndex;
  });
  const correct = (key: 'pred' | 'predNorm') => predictions.filter((p, i) => p[key] === gold[i]).length;
  return { acc: proportionCi(correct('pred'), examples.length), accNorm: proportionCi(correct('predNorm'), examples.length), logprobs, predictions };
}

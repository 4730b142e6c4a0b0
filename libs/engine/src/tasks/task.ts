/**
 * What a task is to the engine: examples with a prompt and a reference, a reward for a completion,
 * and how its outputs are scored (lm-evaluation-harness's two output types).
 *
 *   const task = createTask({ kind: 'gsm8k', train: '…/train.jsonl', eval: '…/test.jsonl' });
 *   const { train, eval } = await task.load({ evalSize: 500 });
 *   task.reward(completion, eval[0]);    // 1 or 0
 */

/** One question. */
export interface Example {
  /** Stable id, unique within its split (e.g. `test.jsonl:17`, an ARC id, `arith:train:3`). */
  id: string;
  /** The zero-shot prompt text (lm-eval's `doc_to_text`), e.g. `Question: …\nAnswer:`. */
  prompt: string;
  /**
   * The reference (lm-eval's `doc_to_target`): what a few-shot example shows after the prompt and
   * what the reward compares against (GSM8K: the full worked solution ending `#### N`; ARC: the
   * correct choice's text; arithmetic: the integer; regex: the pattern).
   */
  target: string;
  /** Answer options of a multiple-choice example. */
  choices?: string[];
  /** Index of the correct option in `choices`. */
  answerIndex?: number;
  /** Anything else worth keeping (plain data). */
  meta?: Record<string, unknown>;
}

/** Both splits of a task. */
export interface TaskSplits {
  /** Examples to train on (and to draw few-shot examples from). */
  train: Example[];
  /** Held-out examples. */
  eval: Example[];
}

/** How much of each split to load: the first N in file order (like lm-eval's `--limit`), so every run sees the same subset. */
export interface TaskLoadOptions {
  /** At most this many train examples. @defaultValue all (or the task's own setting) */
  trainSize?: number;
  /** At most this many eval examples. @defaultValue all (or the task's own setting) */
  evalSize?: number;
}

/**
 * lm-evaluation-harness's output types: `generate_until` tasks are scored by generating and applying
 * `reward`; `multiple_choice` tasks by the log-likelihood of each choice (see scoreMultipleChoice).
 */
export type OutputType = 'generate_until' | 'multiple_choice';

/** A task: a source of examples and a reward. */
export interface Task {
  /** The task kind, e.g. `gsm8k`. */
  readonly name: string;
  readonly outputType: OutputType;
  /** Reads or generates the examples. */
  load(opts?: TaskLoadOptions): Promise<TaskSplits> | TaskSplits;
  /** Reward of a completion (already cut at the stop strings) for an example: 1 or 0 for exact-match tasks. */
  reward(completion: string, ex: Example): number;
  /**
   * Named scores of a completion reported beside the reward (each averaged over the held-out split):
   * GSM8K's `strict_match` and `flexible_extract`, as lm-eval reports both.
   */
  metrics?(completion: string, ex: Example): Record<string, number>;
  /** Generation stops at the first of these (lm-eval's `until`); the completion is cut there. */
  readonly stopStrings?: readonly string[];
}

/** Checks a split size option and returns it. */
export function checkSize(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new Error(`${name} must be a non-negative integer (got ${value})`);
  return value;
}

/** The first `n` items (all when n is undefined). */
export function firstN<T>(items: T[], n: number | undefined): T[] {
  return n === undefined ? items : items.slice(0, n);
}

/**
 * Multiple-choice scoring by answer log-likelihood, as lm-evaluation-harness's `multiple_choice`
 * output type does (lm_eval/api/task.py, `process_results`):
 *
 * - each choice is scored as the continuation `target_delimiter + choice` (" " + choice) of the prompt:
 *   the summed log-probability of its tokens;
 * - **acc**: argmax of the sums;
 * - **acc_norm**: argmax of sum / `len(choice)` — Python `len`, i.e. the choice text's length in
 *   characters (Unicode code points), without the leading space. (The Harness paper and some
 *   docs say "bytes"; the code divides by characters — lm-eval issue #3278.)
 * - **acc_bytes**: argmax of sum / UTF-8 byte length (lm-eval's later `acc_bytes`), for completeness.
 *
 * The two lengths differ only for non-ASCII choices (60 of ARC-Challenge's choices, e.g. "120°C").
 * Ties go to the lowest index, as numpy's argmax does.
 */
import type { Example } from './task.js';

/** Predicted choice indices under each metric. */
export interface MultipleChoicePrediction {
  /** acc: argmax of summed log-probabilities. */
  pred: number;
  /** acc_norm: argmax of summed log-probability per character of the choice. */
  predNorm: number;
  /** acc_bytes: argmax of summed log-probability per UTF-8 byte of the choice. */
  predBytes: number;
}

/** The predictions for one question given each choice's summed log-probability. */
export function scoreMultipleChoice(logprobs: readonly number[], choices: readonly string[]): MultipleChoicePrediction {
  if (logprobs.length !== choices.length || choices.length === 0) {
    throw new Error(`scoreMultipleChoice needs one log-probability per choice (got ${logprobs.length} for ${choices.length} choices)`);
  }
  const encoder = new TextEncoder();
  return {
    pred: argmax(logprobs),
    predNorm: argmax(logprobs.map((lp, i) => lp / [...choices[i]].length)),
    predBytes: argmax(logprobs.map((lp, i) => lp / encoder.encode(choices[i]).length)),
  };
}

/** What to ask the model for one multiple-choice example: one (context, continuation) pair per choice. */
export function multipleChoiceRequests(ex: Example, opts: { context?: string; targetDelimiter?: string } = {}): { context: string; continuations: string[] } {
  if (!ex.choices || ex.choices.length === 0) throw new Error(`${ex.id}: not a multiple-choice example (no choices)`);
  const delimiter = opts.targetDelimiter ?? ' ';
  return { context: opts.context ?? ex.prompt, continuations: ex.choices.map((c) => delimiter + c) };
}

/** Index of the largest value; the first one on ties; NaN never wins. */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best] || Number.isNaN(values[best])) best = i;
  return best;
}

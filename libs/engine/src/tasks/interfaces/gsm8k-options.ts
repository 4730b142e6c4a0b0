import type { TaskLoadOptions } from '../task.js';

/**
 * Which answer extraction the reward uses: lm-eval's two GSM8K filters, or the content of the last
 * `\boxed{…}` (the convention of the TinyLoRA paper's math tasks and of MATH-style prompts).
 */
export type Gsm8kMatch = 'strict' | 'flexible' | 'boxed';

/** Options of {@link Gsm8kTask}. Paths are used as given (createTask resolves them against a base directory). */
export interface Gsm8kOptions extends TaskLoadOptions {
  /**
   * Train split, GSM8K's JSON Lines (`{question, answer}` per line).
   * @defaultValue none (no train examples)
   */
  train?: string;
  /**
   * Eval split, same format.
   * @defaultValue none (no eval examples)
   */
  eval?: string;
  /**
   * The reward's answer extraction: `'strict'` needs `#### N` (lm-eval's strict-match); `'flexible'`
   * takes the last number in the completion (lm-eval's flexible-extract), which a model that was never
   * shown the `####` convention can still satisfy; `'boxed'` the content of the last `\boxed{…}`.
   * Every held-out evaluation reports both lm-eval metrics (`strict_match`, `flexible_extract`)
   * whichever this is, and `boxed_match` when it is `'boxed'`.
   * @defaultValue `'flexible'`
   */
  match?: Gsm8kMatch;
}

import type { TaskLoadOptions } from '../task.js';

/** Which of lm-eval's GSM8K filters the reward uses. */
export type Gsm8kMatch = 'strict' | 'flexible';

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
   * shown the `####` convention can still satisfy.
   * @defaultValue `'flexible'`
   */
  match?: Gsm8kMatch;
}

import type { TaskLoadOptions } from '../task.js';

/** Options of {@link ArcTask}. Paths are used as given (createTask resolves them against a base directory). */
export interface ArcOptions extends TaskLoadOptions {
  /**
   * Train split, AI2 ARC's JSON Lines (`{id, question: {stem, choices: [{text, label}]}, answerKey}`).
   * @defaultValue none (no train examples)
   */
  train?: string;
  /**
   * Eval split, same format.
   * @defaultValue none (no eval examples)
   */
  eval?: string;
}

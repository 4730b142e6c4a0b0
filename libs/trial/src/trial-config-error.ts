/**
 * What {@link trainTinyLora} throws when the trial itself cannot run — a bad value, a model or data
 * file that is not there, an adapter that does not fit the model — as opposed to a failure while
 * running. A trainer reports the first as a bad request (retrying elsewhere will not help).
 * generateSideBySide throws it too, its `field` a path into its request (`prompts[1]`, `trial.model.path`).
 */

/** Prefix of every {@link TrialConfigError} message. */
export const INVALID_TRIAL = 'invalid trial';

export class TrialConfigError extends Error {
  /** The offending param as a path (`task.maxNewTokens`, `adapter.layers`, `model.path`). */
  readonly field: string;
  /** What is wrong with it. */
  readonly problem: string;

  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(`${INVALID_TRIAL}: ${field}: ${problem}`, options);
    this.name = this.constructor.name;
    this.field = field;
    this.problem = problem;
  }
}

/**
 * Runs `fn`; an Error it throws becomes a {@link TrialConfigError} at `field`, or at the deeper path
 * its message starts with (`task.pattern: required` → field `task.pattern`). One already typed passes through.
 */
export async function asTrialConfigError<T>(field: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TrialConfigError || !(err instanceof Error)) throw err;
    const named = /^([\w.[\]]+): (.*)$/s.exec(err.message);
    if (named && (named[1] === field || named[1].startsWith(`${field}.`))) throw new TrialConfigError(named[1], named[2], { cause: err });
    throw new TrialConfigError(field, err.message, { cause: err });
  }
}

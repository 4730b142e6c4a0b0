/** Exit codes of `tinysweep`, and the one place errors are turned into them and into text. */
import { ApiError } from './api-error.js';
import { UsageError } from './usage-error.js';

export const ExitCode = {
  /** Done; for `watch`, the sweep completed. */
  Ok: 0,
  /** Runtime failure: API unreachable or erroring, or the watched sweep failed or was cancelled. */
  Failure: 1,
  /** Usage or validation error: bad flags, unreadable spec, spec rejected by the API (400/413/422). */
  Usage: 2,
  /** Interrupted with Ctrl-C (128 + SIGINT), e.g. stopped watching. */
  Interrupted: 130,
} as const;

const VALIDATION_STATUSES = new Set([400, 413, 422]);

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return ExitCode.Usage;
  if (err instanceof ApiError && err.status !== undefined && VALIDATION_STATUSES.has(err.status)) return ExitCode.Usage;
  return ExitCode.Failure;
}

/** The text after `error: ` for any error; stack traces only for unexpected errors when `verbose`. */
export function formatError(err: unknown, verbose = false): string {
  if (err instanceof ApiError) return err.format();
  if (err instanceof UsageError) return err.message;
  if (err instanceof Error) return verbose && err.stack ? err.stack : err.message;
  return String(err);
}

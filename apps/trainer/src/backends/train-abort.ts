import type { FailureCode__Output, TrainResult } from '@tinysweep/proto';

/** Why a training's AbortSignal fired. */
export type TrainAbortKind = 'cancelled' | 'timeout' | 'shutdown';

/**
 * The `reason` the server aborts a training's signal with. Backends read it (through
 * abortedResult) to report FAILURE_TIMEOUT, FAILURE_INTERRUPTED (shutdown) or FAILURE_CANCELLED.
 */
export class TrainAbort extends Error {
  constructor(
    readonly kind: TrainAbortKind,
    message: string,
  ) {
    super(message);
    this.name = this.constructor.name;
  }

  /** A shutdown is not the trial's doing: FAILURE_INTERRUPTED tells the dispatcher to run it again, uncharged. */
  get failure(): FailureCode__Output {
    return this.kind === 'timeout' ? 'FAILURE_TIMEOUT' : this.kind === 'shutdown' ? 'FAILURE_INTERRUPTED' : 'FAILURE_CANCELLED';
  }
}

/** "30 s", "1.5 s", "0.2 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** A TrainAbort for an elapsed trial timeout. */
export function timeoutAbort(timeoutMs: number): TrainAbort {
  return new TrainAbort('timeout', `trial timed out after ${formatSeconds(timeoutMs)}`);
}

/** The failed result for an aborted training; `partial` carries what was learned before it. */
export function abortedResult(reason: unknown, partial: TrainResult = {}): TrainResult {
  const abort =
    reason instanceof TrainAbort ? reason : new TrainAbort('cancelled', reason instanceof Error ? reason.message : 'training cancelled');
  return { ...partial, ok: false, failure: abort.failure, error: abort.message };
}

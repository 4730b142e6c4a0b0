import { BadTrainRequestError } from './errors/bad-train-request-error.js';
import type { TrainError } from './errors/train-error.js';
import { TrainingCancelledError } from './errors/training-cancelled-error.js';
import { TrainingFailedError } from './errors/training-failed-error.js';
import { TrainingTimeoutError } from './errors/training-timeout-error.js';
import { FailureCode, type FailureCode__Output, type TrainResult } from './types.js';

// proto enum numbers, for results built by hand with numeric codes
const BY_NUMBER: readonly FailureCode__Output[] = [
  FailureCode.FAILURE_NONE,
  FailureCode.FAILURE_EXIT,
  FailureCode.FAILURE_TIMEOUT,
  FailureCode.FAILURE_CANCELLED,
  FailureCode.FAILURE_BAD_REQUEST,
  FailureCode.FAILURE_INTERRUPTED,
];

/** The FailureCode of a result as its string name (accepts the numeric form too). */
export function failureCodeOf(result: TrainResult): FailureCode__Output {
  const code = result.failure;
  if (typeof code === 'number') return BY_NUMBER[code] ?? FailureCode.FAILURE_EXIT;
  return code ?? FailureCode.FAILURE_NONE;
}

/**
 * Turns a failed TrainResult into one error class per FailureCode; the message is the result's
 * `error` text, or the class's message constant when that is empty. A result that says it failed
 * without a code (FAILURE_NONE) is a TrainingFailedError.
 */
export function toTrainError(result: TrainResult): TrainError {
  const message = result.error || undefined;
  switch (failureCodeOf(result)) {
    case FailureCode.FAILURE_TIMEOUT:
      return new TrainingTimeoutError(message, result);
    case FailureCode.FAILURE_CANCELLED:
      return new TrainingCancelledError(message, result);
    case FailureCode.FAILURE_BAD_REQUEST:
      return new BadTrainRequestError(message, result);
    case FailureCode.FAILURE_EXIT:
    case FailureCode.FAILURE_NONE:
    default:
      return new TrainingFailedError(message, result);
  }
}

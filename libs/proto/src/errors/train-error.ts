import type { FailureCode__Output, TrainResult } from '../types.js';

/**
 * Base of the errors a failed TrainResult turns into (see toTrainError()). Catch this to handle
 * any training failure; check the subclass (or `failure`) to decide whether to retry.
 */
export class TrainError extends Error {
  /** The FailureCode that crossed the wire. */
  readonly failure: FailureCode__Output;
  /** The result it came from (partial metrics, stderr tail), when there was one. */
  readonly result?: TrainResult;

  constructor(message: string, failure: FailureCode__Output, result?: TrainResult) {
    super(message);
    this.name = this.constructor.name;
    this.failure = failure;
    this.result = result;
  }
}

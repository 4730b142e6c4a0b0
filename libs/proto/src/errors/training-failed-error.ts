import type { TrainResult } from '../types.js';
import { TrainError } from './train-error.js';

export const TRAINING_FAILED_ERROR = 'training failed';

/** The program exited non-zero (or was killed), or the engine threw. FAILURE_EXIT. */
export class TrainingFailedError extends TrainError {
  constructor(message: string = TRAINING_FAILED_ERROR, result?: TrainResult) {
    super(message, 'FAILURE_EXIT', result);
  }
}

import type { TrainResult } from '../types.js';
import { TrainError } from './train-error.js';

export const TRAINING_TIMEOUT_ERROR = 'training timed out';

/** The trial ran past its timeout and was killed. FAILURE_TIMEOUT. */
export class TrainingTimeoutError extends TrainError {
  constructor(message: string = TRAINING_TIMEOUT_ERROR, result?: TrainResult) {
    super(message, 'FAILURE_TIMEOUT', result);
  }
}

import type { TrainResult } from '../types.js';
import { TrainError } from './train-error.js';

export const TRAINING_CANCELLED_ERROR = 'training cancelled';

/** The call was cancelled or the trainer shut down; the training was killed. FAILURE_CANCELLED. */
export class TrainingCancelledError extends TrainError {
  constructor(message: string = TRAINING_CANCELLED_ERROR, result?: TrainResult) {
    super(message, 'FAILURE_CANCELLED', result);
  }
}

import type { TrainResult } from '../types.js';
import { TrainError } from './train-error.js';

export const BAD_TRAIN_REQUEST_ERROR = 'bad train request';

/** The request cannot run: unknown backend, bad params, missing program or model. Retrying will not help. FAILURE_BAD_REQUEST. */
export class BadTrainRequestError extends TrainError {
  constructor(message: string = BAD_TRAIN_REQUEST_ERROR, result?: TrainResult) {
    super(message, 'FAILURE_BAD_REQUEST', result);
  }
}

import { describe, expect, it } from 'vitest';
import {
  BAD_TRAIN_REQUEST_ERROR,
  BadTrainRequestError,
  toTrainError,
  TrainError,
  TRAINING_CANCELLED_ERROR,
  TrainingCancelledError,
  TrainingFailedError,
  TrainingTimeoutError,
} from './index.js';

describe('toTrainError', () => {
  it('maps each FailureCode to its error class', () => {
    const cases = [
      ['FAILURE_EXIT', TrainingFailedError],
      ['FAILURE_TIMEOUT', TrainingTimeoutError],
      ['FAILURE_CANCELLED', TrainingCancelledError],
      ['FAILURE_BAD_REQUEST', BadTrainRequestError],
      ['FAILURE_NONE', TrainingFailedError],
    ] as const;
    for (const [failure, cls] of cases) {
      const result = { ok: false, failure, error: `why ${failure}` };
      const err = toTrainError(result);
      expect(err).toBeInstanceOf(cls);
      expect(err).toBeInstanceOf(TrainError);
      expect(err.name).toBe(cls.name);
      expect(err.message).toBe(`why ${failure}`);
      expect(err.result).toBe(result);
    }
  });

  it('accepts numeric codes and falls back to the message constant', () => {
    const err = toTrainError({ ok: false, failure: 4, error: '' });
    expect(err).toBeInstanceOf(BadTrainRequestError);
    expect(err.message).toBe(BAD_TRAIN_REQUEST_ERROR);
    expect(err.failure).toBe('FAILURE_BAD_REQUEST');
    expect(toTrainError({ failure: 3 }).message).toBe(TRAINING_CANCELLED_ERROR);
  });
});

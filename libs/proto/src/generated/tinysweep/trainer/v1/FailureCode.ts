// Original file: trainer.proto

/**
 * Why a training ended without success. Crosses the process boundary; see toTrainError().
 */
export const FailureCode = {
  FAILURE_NONE: 'FAILURE_NONE',
  /**
   * the program exited non-zero or the engine threw
   */
  FAILURE_EXIT: 'FAILURE_EXIT',
  /**
   * the trial timeout elapsed
   */
  FAILURE_TIMEOUT: 'FAILURE_TIMEOUT',
  /**
   * the call was cancelled
   */
  FAILURE_CANCELLED: 'FAILURE_CANCELLED',
  /**
   * unknown backend, bad params, missing model
   */
  FAILURE_BAD_REQUEST: 'FAILURE_BAD_REQUEST',
  /**
   * the trainer stopped (shutdown) before the run finished: not the trial's doing, run it again
   */
  FAILURE_INTERRUPTED: 'FAILURE_INTERRUPTED',
} as const;

/**
 * Why a training ended without success. Crosses the process boundary; see toTrainError().
 */
export type FailureCode =
  | 'FAILURE_NONE'
  | 0
  /**
   * the program exited non-zero or the engine threw
   */
  | 'FAILURE_EXIT'
  | 1
  /**
   * the trial timeout elapsed
   */
  | 'FAILURE_TIMEOUT'
  | 2
  /**
   * the call was cancelled
   */
  | 'FAILURE_CANCELLED'
  | 3
  /**
   * unknown backend, bad params, missing model
   */
  | 'FAILURE_BAD_REQUEST'
  | 4
  /**
   * the trainer stopped (shutdown) before the run finished: not the trial's doing, run it again
   */
  | 'FAILURE_INTERRUPTED'
  | 5

/**
 * Why a training ended without success. Crosses the process boundary; see toTrainError().
 */
export type FailureCode__Output = typeof FailureCode[keyof typeof FailureCode]

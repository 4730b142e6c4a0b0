// Original file: trainer.proto

import type { Long } from '@grpc/proto-loader';

export interface TrainRequest {
  /**
   * one trial's attempt
   */
  'trialId'?: (string);
  'sweepId'?: (string);
  'attempt'?: (number);
  /**
   * "command" | "tinylora"
   */
  'backend'?: (string);
  /**
   * the run's parameters (JSON object), seed included
   */
  'paramsJson'?: (string);
  /**
   * the spec's backend section (JSON object)
   */
  'backendJson'?: (string);
  /**
   * 0 = none
   */
  'timeoutMs'?: (number | string | Long);
  /**
   * steps at which to report held-out metrics as well (an ASHA sweep's rungs),
   */
  'evalAt'?: (number | string | Long)[];
  /**
   * for backends that evaluate on demand (tinylora: eval_acc); others ignore it
   * Resumable trials (issue 19). A backend that checkpoints (tinylora; a command program that prints
   * {"checkpoint": …}) sends a `checkpoint` event at every eval_at step, every checkpoint_every steps
   * and at the end of training; the dispatcher keeps the latest and sends it back as resume_json to
   * the run's next attempt, which continues from it to the result an uninterrupted run gives.
   */
  'resumeJson'?: (string);
  /**
   * checkpoint every this many steps as well; 0 = at eval_at steps and the end only
   */
  'checkpointEvery'?: (number | string | Long);
  /**
   * pause (ASHA with promotion: pause): once a checkpoint at a step ≥ stop_at
   */
  'stopAt'?: (number | string | Long);
  /**
   * a shared training: the trials that differ only in prune, trained once (unpruned)
   */
  'trainingId'?: (string);
  /**
   * was sent, end the run there; its result has paused_at set
   */
  'contract'?: (number);
  'run'?: "trialId"|"trainingId";
}

export interface TrainRequest__Output {
  /**
   * one trial's attempt
   */
  'trialId'?: (string);
  'sweepId': (string);
  'attempt': (number);
  /**
   * "command" | "tinylora"
   */
  'backend': (string);
  /**
   * the run's parameters (JSON object), seed included
   */
  'paramsJson': (string);
  /**
   * the spec's backend section (JSON object)
   */
  'backendJson': (string);
  /**
   * 0 = none
   */
  'timeoutMs': (number);
  /**
   * steps at which to report held-out metrics as well (an ASHA sweep's rungs),
   */
  'evalAt': (number)[];
  /**
   * for backends that evaluate on demand (tinylora: eval_acc); others ignore it
   * Resumable trials (issue 19). A backend that checkpoints (tinylora; a command program that prints
   * {"checkpoint": …}) sends a `checkpoint` event at every eval_at step, every checkpoint_every steps
   * and at the end of training; the dispatcher keeps the latest and sends it back as resume_json to
   * the run's next attempt, which continues from it to the result an uninterrupted run gives.
   */
  'resumeJson': (string);
  /**
   * checkpoint every this many steps as well; 0 = at eval_at steps and the end only
   */
  'checkpointEvery': (number);
  /**
   * pause (ASHA with promotion: pause): once a checkpoint at a step ≥ stop_at
   */
  'stopAt': (number);
  /**
   * a shared training: the trials that differ only in prune, trained once (unpruned)
   */
  'trainingId'?: (string);
  /**
   * was sent, end the run there; its result has paused_at set
   */
  'contract': (number);
  'run'?: "trialId"|"trainingId";
}

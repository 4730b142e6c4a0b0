// Original file: trainer.proto

import type { TrainMode as _tinysweep_trainer_v1_TrainMode, TrainMode__Output as _tinysweep_trainer_v1_TrainMode__Output } from '../../../tinysweep/trainer/v1/TrainMode.js';
import type { Long } from '@grpc/proto-loader';

export interface TrainRequest {
  'trialId'?: (string);
  'sweepId'?: (string);
  'attempt'?: (number);
  /**
   * "command" | "tinylora"
   */
  'backend'?: (string);
  /**
   * the trial's parameters (JSON object), seed included
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
   * what to run; TRAIN when unset
   */
  'mode'?: (_tinysweep_trainer_v1_TrainMode);
  /**
   * EVALUATE: a stored adapter file (a TrainResult's adapter_json) to start from
   */
  'adapterJson'?: (string);
  /**
   * steps at which to report held-out metrics as well (an ASHA sweep's rungs),
   */
  'evalAt'?: (number | string | Long)[];
  /**
   * for backends that evaluate on demand (tinylora: eval_acc); others ignore it
   * Resumable trials (issue 19). A backend that checkpoints (tinylora; a command program that prints
   * {"checkpoint": …}) sends a `checkpoint` event at every eval_at step, every checkpoint_every steps
   * and at the end of training; the dispatcher keeps the latest and sends it back as resume_json to
   * the trial's next attempt, which continues from it to the result an uninterrupted run gives.
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
}

export interface TrainRequest__Output {
  'trialId': (string);
  'sweepId': (string);
  'attempt': (number);
  /**
   * "command" | "tinylora"
   */
  'backend': (string);
  /**
   * the trial's parameters (JSON object), seed included
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
   * what to run; TRAIN when unset
   */
  'mode': (_tinysweep_trainer_v1_TrainMode__Output);
  /**
   * EVALUATE: a stored adapter file (a TrainResult's adapter_json) to start from
   */
  'adapterJson': (string);
  /**
   * steps at which to report held-out metrics as well (an ASHA sweep's rungs),
   */
  'evalAt': (number)[];
  /**
   * for backends that evaluate on demand (tinylora: eval_acc); others ignore it
   * Resumable trials (issue 19). A backend that checkpoints (tinylora; a command program that prints
   * {"checkpoint": …}) sends a `checkpoint` event at every eval_at step, every checkpoint_every steps
   * and at the end of training; the dispatcher keeps the latest and sends it back as resume_json to
   * the trial's next attempt, which continues from it to the result an uninterrupted run gives.
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
}

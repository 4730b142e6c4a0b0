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
}

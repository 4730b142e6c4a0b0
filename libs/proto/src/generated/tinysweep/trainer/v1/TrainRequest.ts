// Original file: trainer.proto

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
}

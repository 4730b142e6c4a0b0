// Original file: trainer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A trial of a shared training: its own pruning (and retraining) of the training's adapter, then
 * its evaluation. The prune and evaluation settings are the trial's params (params.prune, task).
 */
export interface EvaluateRequest {
  'trialId'?: (string);
  'sweepId'?: (string);
  'attempt'?: (number);
  /**
   * a backend that can evaluate a stored adapter ("tinylora")
   */
  'backend'?: (string);
  /**
   * the trial's parameters (JSON object), its prune included
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
   * the shared training's stored adapter (its TrainResult.adapter_json)
   */
  'adapterJson'?: (string);
  /**
   * as in TrainRequest
   */
  'contract'?: (number);
}

/**
 * A trial of a shared training: its own pruning (and retraining) of the training's adapter, then
 * its evaluation. The prune and evaluation settings are the trial's params (params.prune, task).
 */
export interface EvaluateRequest__Output {
  'trialId': (string);
  'sweepId': (string);
  'attempt': (number);
  /**
   * a backend that can evaluate a stored adapter ("tinylora")
   */
  'backend': (string);
  /**
   * the trial's parameters (JSON object), its prune included
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
   * the shared training's stored adapter (its TrainResult.adapter_json)
   */
  'adapterJson': (string);
  /**
   * as in TrainRequest
   */
  'contract': (number);
}

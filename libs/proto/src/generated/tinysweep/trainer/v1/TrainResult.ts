// Original file: trainer.proto

import type { FailureCode as _tinysweep_trainer_v1_FailureCode, FailureCode__Output as _tinysweep_trainer_v1_FailureCode__Output } from '../../../tinysweep/trainer/v1/FailureCode.js';
import type { Long } from '@grpc/proto-loader';

export interface TrainResult {
  'ok'?: (boolean);
  /**
   * final metrics
   */
  'metrics'?: ({[key: string]: number | string});
  /**
   * 0 when the backend does not know
   */
  'trainableParams'?: (number | string | Long);
  'effectiveParams'?: (number | string | Long);
  /**
   * adapter file (TinyLoRA) or a program's artefact, may be empty
   */
  'adapterJson'?: (string);
  'failure'?: (_tinysweep_trainer_v1_FailureCode);
  /**
   * human-readable reason; stderr tail for programs
   */
  'error'?: (string);
  'seconds'?: (number | string);
  /**
   * What ran it, as a JSON object: trainer and runtime versions, node, device, and what the
   * backend adds (model and data hashes). Reproductions compare it to explain a drift.
   */
  'environmentJson'?: (string);
  /**
   * Not a final result: the run stopped at TrainRequest.stop_at after checkpointing this step (metrics
   * are the last progress event's). 0 for every other result.
   */
  'pausedAt'?: (number | string | Long);
}

export interface TrainResult__Output {
  'ok': (boolean);
  /**
   * final metrics
   */
  'metrics': ({[key: string]: number});
  /**
   * 0 when the backend does not know
   */
  'trainableParams': (number);
  'effectiveParams': (number);
  /**
   * adapter file (TinyLoRA) or a program's artefact, may be empty
   */
  'adapterJson': (string);
  'failure': (_tinysweep_trainer_v1_FailureCode__Output);
  /**
   * human-readable reason; stderr tail for programs
   */
  'error': (string);
  'seconds': (number);
  /**
   * What ran it, as a JSON object: trainer and runtime versions, node, device, and what the
   * backend adds (model and data hashes). Reproductions compare it to explain a drift.
   */
  'environmentJson': (string);
  /**
   * Not a final result: the run stopped at TrainRequest.stop_at after checkpointing this step (metrics
   * are the last progress event's). 0 for every other result.
   */
  'pausedAt': (number);
}

// Original file: trainer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The run's state after `step`, opaque to the dispatcher (the backend reads it back from resume_json).
 */
export interface Checkpoint {
  'step'?: (number | string | Long);
  'stateJson'?: (string);
}

/**
 * The run's state after `step`, opaque to the dispatcher (the backend reads it back from resume_json).
 */
export interface Checkpoint__Output {
  'step': (number);
  'stateJson': (string);
}

// Original file: trainer.proto

import type { Completion as _tinysweep_trainer_v1_Completion, Completion__Output as _tinysweep_trainer_v1_Completion__Output } from '../../../tinysweep/trainer/v1/Completion.js';

export interface GenerateReply {
  /**
   * one per prompt, in order
   */
  'completions'?: (_tinysweep_trainer_v1_Completion)[];
  /**
   * what was used
   */
  'maxNewTokens'?: (number);
  'nodeId'?: (string);
  /**
   * the whole call on the trainer
   */
  'seconds'?: (number | string);
  /**
   * the batched greedy decoding alone (base and adapted rows together)
   */
  'generateSeconds'?: (number | string);
  /**
   * the node had the model loaded
   */
  'modelCacheHit'?: (boolean);
  /**
   * ... and a session for this adapter structure open
   */
  'sessionCacheHit'?: (boolean);
}

export interface GenerateReply__Output {
  /**
   * one per prompt, in order
   */
  'completions': (_tinysweep_trainer_v1_Completion__Output)[];
  /**
   * what was used
   */
  'maxNewTokens': (number);
  'nodeId': (string);
  /**
   * the whole call on the trainer
   */
  'seconds': (number);
  /**
   * the batched greedy decoding alone (base and adapted rows together)
   */
  'generateSeconds': (number);
  /**
   * the node had the model loaded
   */
  'modelCacheHit': (boolean);
  /**
   * ... and a session for this adapter structure open
   */
  'sessionCacheHit': (boolean);
}

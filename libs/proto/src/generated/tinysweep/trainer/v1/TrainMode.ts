// Original file: trainer.proto

/**
 * What a Train call runs (adaptive sweeps, issue 7). The stream and its one result are the same for all.
 */
export const TrainMode = {
  /**
   * train the trial (and prune, when params.prune says so)
   */
  TRAIN_MODE_TRAIN: 'TRAIN_MODE_TRAIN',
  /**
   * no training: prune adapter_json at params.prune, retrain if asked, evaluate
   */
  TRAIN_MODE_EVALUATE: 'TRAIN_MODE_EVALUATE',
  /**
   * run nothing: the result's environment_json says what the trial would read
   */
  TRAIN_MODE_FINGERPRINT: 'TRAIN_MODE_FINGERPRINT',
} as const;

/**
 * What a Train call runs (adaptive sweeps, issue 7). The stream and its one result are the same for all.
 */
export type TrainMode =
  /**
   * train the trial (and prune, when params.prune says so)
   */
  | 'TRAIN_MODE_TRAIN'
  | 0
  /**
   * no training: prune adapter_json at params.prune, retrain if asked, evaluate
   */
  | 'TRAIN_MODE_EVALUATE'
  | 1
  /**
   * run nothing: the result's environment_json says what the trial would read
   */
  | 'TRAIN_MODE_FINGERPRINT'
  | 2

/**
 * What a Train call runs (adaptive sweeps, issue 7). The stream and its one result are the same for all.
 */
export type TrainMode__Output = typeof TrainMode[keyof typeof TrainMode]

// Original file: trainer.proto


export interface FingerprintRequest {
  'trialId'?: (string);
  'trainingId'?: (string);
  'sweepId'?: (string);
  'backend'?: (string);
  /**
   * the run's parameters, as Train or Evaluate would get them
   */
  'paramsJson'?: (string);
  'backendJson'?: (string);
  /**
   * as in TrainRequest
   */
  'contract'?: (number);
  'run'?: "trialId"|"trainingId";
}

export interface FingerprintRequest__Output {
  'trialId'?: (string);
  'trainingId'?: (string);
  'sweepId': (string);
  'backend': (string);
  /**
   * the run's parameters, as Train or Evaluate would get them
   */
  'paramsJson': (string);
  'backendJson': (string);
  /**
   * as in TrainRequest
   */
  'contract': (number);
  'run'?: "trialId"|"trainingId";
}

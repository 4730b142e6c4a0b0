// Original file: trainer.proto


export interface NodeInfo {
  'nodeId'?: (string);
  'address'?: (string);
  /**
   * "cpu", "cuda:0", ...
   */
  'device'?: (string);
  /**
   * trainings it runs at once
   */
  'slots'?: (number);
  'backends'?: (string)[];
  /**
   * model paths or names it can serve
   */
  'models'?: (string)[];
  'version'?: (string);
  /**
   * trainings in flight now
   */
  'running'?: (number);
  /**
   * the trainer protocol it speaks; 0: a trainer older than protocol 2 (it speaks 1)
   */
  'protocol'?: (number);
  /**
   * the trial contract it reads (libs/trial's TRIAL_CONTRACT); 0: a trainer from before the field (1)
   */
  'contract'?: (number);
}

export interface NodeInfo__Output {
  'nodeId': (string);
  'address': (string);
  /**
   * "cpu", "cuda:0", ...
   */
  'device': (string);
  /**
   * trainings it runs at once
   */
  'slots': (number);
  'backends': (string)[];
  /**
   * model paths or names it can serve
   */
  'models': (string)[];
  'version': (string);
  /**
   * trainings in flight now
   */
  'running': (number);
  /**
   * the trainer protocol it speaks; 0: a trainer older than protocol 2 (it speaks 1)
   */
  'protocol': (number);
  /**
   * the trial contract it reads (libs/trial's TRIAL_CONTRACT); 0: a trainer from before the field (1)
   */
  'contract': (number);
}

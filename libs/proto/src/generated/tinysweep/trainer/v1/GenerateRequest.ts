// Original file: trainer.proto


export interface GenerateRequest {
  /**
   * the trial's backend; "tinylora" is the one that can generate
   */
  'backend'?: (string);
  /**
   * the trial's parameters, as in TrainRequest: model.path, and task (prompt
   */
  'paramsJson'?: (string);
  /**
   * layout: chat template, few-shot; stop strings; maxNewTokens) are used
   */
  'adapterJson'?: (string);
  'prompts'?: (string)[];
  /**
   * 0 = the trial's task.maxNewTokens
   */
  'maxNewTokens'?: (number);
}

export interface GenerateRequest__Output {
  /**
   * the trial's backend; "tinylora" is the one that can generate
   */
  'backend': (string);
  /**
   * the trial's parameters, as in TrainRequest: model.path, and task (prompt
   */
  'paramsJson': (string);
  /**
   * layout: chat template, few-shot; stop strings; maxNewTokens) are used
   */
  'adapterJson': (string);
  'prompts': (string)[];
  /**
   * 0 = the trial's task.maxNewTokens
   */
  'maxNewTokens': (number);
}

// Original file: trainer.proto


/**
 * One prompt's two continuations, each cut where the trial's evaluation cuts it (EOS, stop strings).
 */
export interface Completion {
  'prompt'?: (string);
  /**
   * the base model (v = 0)
   */
  'base'?: (string);
  /**
   * the base model with the adapter
   */
  'adapted'?: (string);
}

/**
 * One prompt's two continuations, each cut where the trial's evaluation cuts it (EOS, stop strings).
 */
export interface Completion__Output {
  'prompt': (string);
  /**
   * the base model (v = 0)
   */
  'base': (string);
  /**
   * the base model with the adapter
   */
  'adapted': (string);
}

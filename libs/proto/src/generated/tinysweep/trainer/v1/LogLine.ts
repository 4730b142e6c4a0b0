// Original file: trainer.proto


export interface LogLine {
  /**
   * "stdout" | "stderr" | "engine"
   */
  'stream'?: (string);
  'line'?: (string);
}

export interface LogLine__Output {
  /**
   * "stdout" | "stderr" | "engine"
   */
  'stream': (string);
  'line': (string);
}

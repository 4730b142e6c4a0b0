/** Options of {@link RegexTask}. */
export interface RegexOptions {
  /** The pattern a rewarded completion matches (JavaScript RegExp syntax). Required. */
  pattern: string;
  /**
   * RegExp flags; any of `d i m s u v` (`g` and `y` are refused: they make matching stateful).
   * @defaultValue `''`
   */
  flags?: string;
  /** Prompts to train on, e.g. story openings. Required, non-empty. */
  prompts: string[];
  /**
   * Held-out prompts.
   * @defaultValue the train prompts
   */
  evalPrompts?: string[];
  /**
   * Generation stops at these.
   * @defaultValue `[]`
   */
  stopStrings?: string[];
}

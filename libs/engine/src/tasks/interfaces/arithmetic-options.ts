/** An arithmetic operator the task can draw. `/` draws exact divisions only (a = b·q). */
export type ArithmeticOp = '+' | '-' | '*' | '/';

/** Options of {@link ArithmeticTask}. */
export interface ArithmeticOptions {
  /**
   * Seed of the problem draw (train and eval come from separate streams and never share a problem).
   * @defaultValue `0`
   */
  seed?: number;
  /**
   * Train problems.
   * @defaultValue `1000`
   */
  trainSize?: number;
  /**
   * Eval problems.
   * @defaultValue `200`
   */
  evalSize?: number;
  /**
   * Operators, drawn uniformly.
   * @defaultValue `['+', '-', '*']`
   */
  ops?: ArithmeticOp[];
  /**
   * Smallest operand (for `/`: smallest divisor and quotient, at least 1).
   * @defaultValue `0`
   */
  min?: number;
  /**
   * Largest operand (for `/`: largest divisor and quotient).
   * @defaultValue `99`
   */
  max?: number;
  /**
   * Prompt text with `{a}`, `{op}` and `{b}` placeholders.
   * @defaultValue `'{a} {op} {b} ='`
   */
  template?: string;
  /**
   * Which integer of the completion is the answer: the `'first'`, or the `'last'` (a worked answer ends with the result).
   * @defaultValue `'last'`
   */
  answer?: 'first' | 'last';
  /**
   * Generation stops at these.
   * @defaultValue `['\n']`
   */
  stopStrings?: string[];
  /**
   * A JSON Lines file of held-out problems (`{"prompt": "47 * 12 =", "target": "564"}` per line), such as
   * the demo model's `heldout.jsonl`: eval problems are drawn from it (a seeded shuffle, the first
   * `evalSize`), and train problems never use its prompts. Without it both splits are generated.
   * @defaultValue none
   */
  heldOut?: string;
}

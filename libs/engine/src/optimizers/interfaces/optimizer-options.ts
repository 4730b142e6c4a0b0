/** Options every optimizer takes. */
export interface OptimizerOptions {
  /** Length of v (groups × u for a TinyLoRA adapter). Required. */
  dim: number;
  /**
   * Seed of every random draw (noise is keyed by seed, generation and member), an integer in [0, 2³²).
   * @defaultValue `0`
   */
  seed?: number;
  /**
   * Starting point, length `dim`. TinyLoRA starts from v = 0, the base model exactly.
   * @defaultValue zeros
   */
  init?: ArrayLike<number>;
}

/**
 * The ask/tell contract every optimizer keeps (plumbing they share: optimizer-base.ts).
 *
 * All optimizers **maximise** a fitness over v ∈ ℝᵈ using function values only (no gradients):
 *
 *   const opt = new AntitheticEs({ dim: 13, seed: 1 });
 *   for (let it = 0; it < 200; it++) {
 *     const candidates = opt.ask();                  // [pop][dim], one adapter vector each
 *     const fitness = await evaluate(candidates);    // ONE batched forward for the whole population
 *     opt.tell(fitness);                             // [pop]
 *   }
 *   opt.mean;                                        // the current estimate of the best v
 *
 * Determinism: every random draw is keyed by (seed, generation, member) (see ../random.ts), so the
 * same options give a bit-identical sequence of candidates and means, and `state()` → JSON →
 * `restore()` resumes a run exactly where it stopped.
 */

import type { OptimizerKind, OptimizerState } from './interfaces/optimizer-state.js';

/** A population-based, derivative-free maximiser with an ask/tell interface. */
export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Length of v. */
  readonly dim: number;
  /**
   * The candidates of the current generation. Calling it again before `tell` returns the same
   * candidates. Treat them as read-only.
   */
  ask(): Float32Array[];
  /** Fitness of each candidate from the last `ask()`, same order; larger is better. Advances the generation. */
  tell(fitness: readonly number[]): void;
  /** The current best estimate of v (a fresh copy). */
  readonly mean: Float32Array;
  /** Generations completed. */
  readonly generation: number;
  /** Everything needed to resume: JSON-able plain data. */
  state(): OptimizerState;
  /** Resume from a `state()` of an optimizer built with the same options. Throws on a kind or dim mismatch. */
  restore(state: OptimizerState): void;
}

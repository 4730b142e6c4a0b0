import type { OptimizerOptions } from './optimizer-options.js';

/** Distribution of SPSA's perturbation directions. */
export type SpsaDirections = 'rademacher' | 'gaussian';

/**
 * Options of {@link Spsa}. The gains follow Spall's schedules
 * a_k = lr / (k + 1 + lrStability)^lrDecayExponent and c_k = epsilon / (k + 1)^epsilonDecayExponent
 * (k = generation); the default exponents 0 keep both constant, as MeZO does.
 */
export interface SpsaOptions extends OptimizerOptions {
  /**
   * Directions z per step; `ask()` returns 2 × directions candidates (θ + εz, θ − εz per direction)
   * and the step averages their estimates. MeZO uses 1.
   * @defaultValue `1`
   */
  directions?: number;
  /**
   * Perturbation scale ε (Spall's c). MeZO's 1e-3 is for full weight matrices; a TinyLoRA v lives on
   * the scale of ES's σ, and an exact-match reward only moves when ε moves the generations.
   * @defaultValue `0.02`
   */
  epsilon?: number;
  /**
   * Learning rate (Spall's a). The raw estimate scales with fitness / ε, so this is small.
   * @defaultValue `0.001`
   */
  lr?: number;
  /**
   * `'rademacher'`: each coordinate ±1 (Spall's SPSA); `'gaussian'`: N(0, I) (MeZO).
   * @defaultValue `'rademacher'`
   */
  distribution?: SpsaDirections;
  /**
   * α in a_k = lr / (k + 1 + A)^α; Spall recommends 0.602 (1 for the asymptotically optimal rate).
   * @defaultValue `0` (constant lr)
   */
  lrDecayExponent?: number;
  /**
   * A in a_k = lr / (k + 1 + A)^α: keeps the first steps from being the largest. Spall suggests ~10% of the iterations.
   * @defaultValue `0`
   */
  lrStability?: number;
  /**
   * γ in c_k = ε / (k + 1)^γ; Spall recommends 0.101.
   * @defaultValue `0` (constant ε)
   */
  epsilonDecayExponent?: number;
  /**
   * L2 coefficient λ: the step follows g − λ·θ.
   * @defaultValue `0`
   */
  weightDecay?: number;
}

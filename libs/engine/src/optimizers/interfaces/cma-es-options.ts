import type { OptimizerOptions } from './optimizer-options.js';

/** Options of {@link CmaEs}. The learning rates (c_σ, d_σ, c_c, c₁, c_μ) follow Hansen's defaults and are not options. */
export interface CmaEsOptions extends OptimizerOptions {
  /**
   * λ, candidates per generation.
   * @defaultValue `4 + ⌊3 ln dim⌋` (Hansen's default: 16 at dim 100)
   */
  populationSize?: number;
  /**
   * μ, the best candidates recombined into the new mean (log-decreasing weights).
   * @defaultValue `⌊λ / 2⌋`
   */
  parents?: number;
  /**
   * Initial step size σ₀; CMA-ES adapts it from there (cumulative step-size adaptation).
   * @defaultValue `0.02` (the sweep spec's `optimizer.sigma` default)
   */
  sigma?: number;
  /**
   * Largest dim accepted. CMA-ES keeps a dim × dim covariance (O(d²) memory, O(d²) per candidate,
   * O(d³) per eigendecomposition); above a few hundred use ES or SPSA.
   * @defaultValue `500`
   */
  maxDim?: number;
  /**
   * Generations between eigendecompositions of C.
   * @defaultValue `max(1, ⌊λ / ((c₁ + c_μ) · dim · 10)⌋)` (Hansen's lazy update; O(d²) amortised per candidate)
   */
  eigenInterval?: number;
}

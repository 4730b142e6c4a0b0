import type { FitnessShaping } from '../fitness-shaping.js';
import type { StepRule } from '../gradient-step.js';
import type { OptimizerOptions } from './optimizer-options.js';

/** Options of {@link AntitheticEs} (OpenAI-ES with mirrored sampling). */
export interface AntitheticEsOptions extends OptimizerOptions {
  /**
   * Candidates per generation, even: P/2 noise vectors ε, each evaluated at mean + σε and mean − σε.
   * @defaultValue `32` (the sweep spec's `optimizer.population` default)
   */
  populationSize?: number;
  /**
   * Perturbation scale σ.
   * @defaultValue `0.02`
   */
  sigma?: number;
  /**
   * Learning rate of the step rule.
   * @defaultValue `0.05`
   */
  lr?: number;
  /**
   * How the gradient estimate becomes an update.
   * @defaultValue `'adam'`
   */
  stepRule?: StepRule;
  /**
   * Fitness → weights. `'centered-rank'` (Salimans et al. 2017) makes the run invariant to monotone
   * transforms of the fitness; `'z-score'` standardises; `'raw'` uses values as they are.
   * @defaultValue `'centered-rank'`
   */
  fitnessShaping?: FitnessShaping;
  /**
   * L2 coefficient λ: the step follows g − λ·mean (OpenAI-ES's `l2coeff`), pulling v towards 0 (the base model).
   * @defaultValue `0`
   */
  weightDecay?: number;
  /**
   * SGD momentum μ in v ← μv + (1−μ)g (`stepRule: 'sgd'` only).
   * @defaultValue `0`
   */
  momentum?: number;
  /**
   * Adam β₁.
   * @defaultValue `0.9`
   */
  beta1?: number;
  /**
   * Adam β₂.
   * @defaultValue `0.999`
   */
  beta2?: number;
  /**
   * Adam ε.
   * @defaultValue `1e-8`
   */
  adamEpsilon?: number;
  /**
   * σ is multiplied by this after every generation (estool's `sigma_decay`); 1 keeps it constant.
   * @defaultValue `1`
   */
  sigmaDecay?: number;
  /**
   * σ never decays below this.
   * @defaultValue `0`
   */
  sigmaLimit?: number;
  /**
   * lr is multiplied by this after every generation; 1 keeps it constant.
   * @defaultValue `1`
   */
  lrDecay?: number;
  /**
   * lr never decays below this.
   * @defaultValue `0`
   */
  lrLimit?: number;
}

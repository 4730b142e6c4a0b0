/**
 * Checkpoints of the optimizers: plain data (numbers and number arrays) that survive
 * `JSON.stringify` → `JSON.parse` bit for bit, so a resumed run continues exactly.
 */

/** Which optimizer; the spellings of the sweep spec's `optimizer.kind`. */
export type OptimizerKind = 'es' | 'spsa' | 'cmaes';

/** Fields every optimizer's checkpoint has. */
export interface OptimizerStateBase {
  kind: OptimizerKind;
  /** Length of v. */
  dim: number;
  /** Generations completed (tells accepted). */
  generation: number;
  /** The current estimate, float64 (the optimizers' internal precision). */
  mean: number[];
}

/** {@link AntitheticEs}'s checkpoint. */
export interface AntitheticEsState extends OptimizerStateBase {
  kind: 'es';
  /** Current perturbation scale (after decay). */
  sigma: number;
  /** Current learning rate (after decay). */
  lr: number;
  /** Adam first moment, [dim] (zeros for SGD). */
  adamM: number[];
  /** Adam second moment, [dim] (zeros for SGD). */
  adamV: number[];
  /** SGD momentum buffer, [dim] (zeros for Adam). */
  velocity: number[];
}

/** {@link Spsa}'s checkpoint. The gain schedules are functions of `generation`, so nothing else is needed. */
export interface SpsaState extends OptimizerStateBase {
  kind: 'spsa';
}

/** {@link CmaEs}'s checkpoint. Matrices are row-major, flattened. */
export interface CmaEsState extends OptimizerStateBase {
  kind: 'cmaes';
  /** Step size σ. */
  sigma: number;
  /** Evolution path for σ, p_σ, [dim]. */
  pathSigma: number[];
  /** Evolution path for C, p_c, [dim]. */
  pathC: number[];
  /** Covariance matrix C, [dim × dim]. */
  cov: number[];
  /** Eigenvectors of C as columns, B, [dim × dim]. */
  eigenvectors: number[];
  /** Square roots of C's eigenvalues, D, [dim]. */
  eigenSqrt: number[];
  /** Generation at which B and D were last computed. */
  eigenGeneration: number;
}

/** A checkpoint of any optimizer, discriminated by `kind`. */
export type OptimizerState = AntitheticEsState | SpsaState | CmaEsState;

/** {@link Adam}'s checkpoint (GRPO and SFT, whose gradient comes from the torch worker). */
export interface AdamState {
  kind: 'adam';
  dim: number;
  /** Steps taken (Adam's bias correction). */
  t: number;
  /** θ, float64, [dim]. */
  mean: number[];
  /** First moment, [dim]. */
  adamM: number[];
  /** Second moment, [dim]. */
  adamV: number[];
}

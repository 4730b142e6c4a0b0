/**
 * One table from the sweep spec's optimizer section (one value per axis, after expansion) to an
 * optimizer. The spec has one `population`, `sigma` and `lr` for every kind; this is where each
 * kind reads them.
 */
import { AntitheticEs } from './antithetic-es.js';
import { CmaEs } from './cma-es.js';
import type { OptimizerKind, OptimizerState } from './interfaces/optimizer-state.js';
import type { Optimizer } from './optimizer.js';
import { Spsa } from './spsa.js';

/** A trial's optimizer settings. */
export interface OptimizerSpec {
  kind: OptimizerKind;
  /** Length of v. */
  dim: number;
  seed?: number;
  /** es: candidates per generation (even); spsa: candidates per step, i.e. 2 × directions (odd values round up); cmaes: λ. */
  population?: number;
  /** es: σ; spsa: ε; cmaes: σ₀. */
  sigma?: number;
  /** es and spsa: the learning rate; cmaes has none and ignores it. */
  lr?: number;
  /** Starting point, length dim (zeros: the base model). */
  init?: ArrayLike<number>;
}

const FACTORIES: Record<OptimizerKind, (s: OptimizerSpec) => Optimizer> = {
  es: (s) => new AntitheticEs({ dim: s.dim, seed: s.seed, init: s.init, populationSize: s.population, sigma: s.sigma, lr: s.lr }),
  spsa: (s) =>
    new Spsa({
      dim: s.dim,
      seed: s.seed,
      init: s.init,
      directions: s.population === undefined ? undefined : Math.max(1, Math.ceil(s.population / 2)),
      epsilon: s.sigma,
      lr: s.lr,
    }),
  cmaes: (s) => new CmaEs({ dim: s.dim, seed: s.seed, init: s.init, populationSize: s.population, sigma: s.sigma }),
};

/** The optimizer kinds {@link createOptimizer} knows. */
export const OPTIMIZER_KINDS = Object.keys(FACTORIES) as OptimizerKind[];

/** Builds an optimizer; throws on an unknown kind, naming it. */
export function createOptimizer(spec: OptimizerSpec): Optimizer {
  const factory = Object.hasOwn(FACTORIES, spec.kind) ? FACTORIES[spec.kind] : undefined;
  if (!factory) throw new Error(`unknown optimizer kind ${JSON.stringify(spec.kind)} (known: ${OPTIMIZER_KINDS.join(', ')})`);
  return factory(spec);
}

/** Builds an optimizer from its spec and resumes it from a checkpoint. */
export function restoreOptimizer(spec: OptimizerSpec, state: OptimizerState): Optimizer {
  const optimizer = createOptimizer(spec);
  optimizer.restore(state);
  return optimizer;
}

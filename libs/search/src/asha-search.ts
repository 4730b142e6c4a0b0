import { planSweep, type AshaSearchSpec, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
import { AshaPruner } from './asha-pruner.js';
import type { SearchStrategy } from './search-strategy.js';

/**
 * `search.kind: asha`: every configuration (or `n` sampled ones) starts at submission, each trained
 * for up to `maxIterations`; an {@link AshaPruner} stops the weak ones at the rungs.
 */
export class AshaSearch implements SearchStrategy {
  readonly kind = 'asha';
  readonly search: AshaSearchSpec;

  constructor(private readonly spec: SweepSpec) {
    if (spec.search.kind !== 'asha') throw new Error(`AshaSearch needs search.kind: asha (got ${spec.search.kind})`);
    this.search = spec.search;
  }

  plan(): SweepPlan {
    return planSweep(this.spec);
  }

  /** A fresh pruner with this search's rungs (empty: record what is stored before reporting). */
  pruner(): AshaPruner {
    const { minIterations, maxIterations, eta, mode } = this.search;
    return new AshaPruner({ minIterations, maxIterations, eta, mode });
  }
}

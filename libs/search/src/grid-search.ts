import { planSweep, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
import type { SearchStrategy } from './search-strategy.js';

/** Every configuration of the axes × seeds: libs/spec's expansion, as it is. */
export class GridSearch implements SearchStrategy {
  readonly kind = 'grid';

  constructor(private readonly spec: SweepSpec) {
    if (spec.search.kind !== 'grid') throw new Error(`GridSearch needs search.kind: grid (got ${spec.search.kind})`);
  }

  plan(): SweepPlan {
    return planSweep(this.spec);
  }
}

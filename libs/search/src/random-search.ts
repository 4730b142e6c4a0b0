import { planSweep, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
import type { SearchStrategy } from './search-strategy.js';

/** `search.n` configurations sampled without replacement, seeded by `search.seed`: libs/spec's expansion. */
export class RandomSearch implements SearchStrategy {
  readonly kind = 'random';

  constructor(private readonly spec: SweepSpec) {
    if (spec.search.kind !== 'random') throw new Error(`RandomSearch needs search.kind: random (got ${spec.search.kind})`);
  }

  plan(): SweepPlan {
    return planSweep(this.spec);
  }
}

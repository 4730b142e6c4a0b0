import { planSweep, type AshaSearchSpec, type AshaSettings, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
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
    return ashaPruner(this.search);
  }
}

/** A sweep's ASHA settings: its search's (kind asha), a tpe search's `asha` (BOHB-like), or none. */
export function ashaOf(spec: SweepSpec): AshaSettings | undefined {
  if (spec.search.kind === 'asha') return spec.search;
  if (spec.search.kind === 'tpe') return spec.search.asha;
  return undefined;
}

/** A fresh pruner with these settings' rungs (empty: record what is stored before deciding). */
export function ashaPruner(s: AshaSettings): AshaPruner {
  return new AshaPruner({ minIterations: s.minIterations, maxIterations: s.maxIterations, eta: s.eta, mode: s.mode });
}

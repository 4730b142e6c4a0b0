/**
 * A search strategy: how a spec's configurations are chosen. Every strategy plans the trials created
 * at submission; asha also stops trials while they run ({@link AshaSearch.pruner}) and pareto adds
 * configurations as results arrive ({@link ParetoSearch.propose}) — the dispatcher's SearchDriver
 * runs those parts.
 */
import type { SearchSpec, SweepPlan } from '@tinysweep/spec';

export interface SearchStrategy {
  readonly kind: SearchSpec['kind'];
  /** The trials to create when the sweep is submitted. */
  plan(): SweepPlan;
}

import type { SweepSpec } from '@tinysweep/spec';
import { AshaSearch } from './asha-search.js';
import { GridSearch } from './grid-search.js';
import { ParetoSearch } from './pareto-search.js';
import { RandomSearch } from './random-search.js';
import type { SearchStrategy } from './search-strategy.js';
import { TpeSearch } from './tpe/tpe-search.js';

/** The strategy of a spec's `search.kind`, in one table. */
const STRATEGIES: { [K in SweepSpec['search']['kind']]: new (spec: SweepSpec) => SearchStrategy } = {
  grid: GridSearch,
  random: RandomSearch,
  asha: AshaSearch,
  pareto: ParetoSearch,
  tpe: TpeSearch,
};

export function createSearch(spec: SweepSpec): SearchStrategy {
  return new STRATEGIES[spec.search.kind](spec);
}

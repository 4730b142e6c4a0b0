/**
 * Multi-objective search over a discrete adapter space (spec `search.kind: pareto`): start from a
 * random sample, then repeatedly sort what finished into Pareto fronts and try the unseen neighbours
 * of the best front (one axis one step away: the next rank, the next layer selection, the next
 * pruning threshold), then of the next fronts, then random unseen configurations — seeded, so the
 * same results give the same proposals.
 *
 *   const search = new ParetoSearch(spec);                      // spec.search.kind === 'pareto'
 *   search.plan().trials;                                       // the initial n configurations × seeds
 *   search.propose(finished, 4, seen);                          // 4 new index vectors
 *
 * Pure: the dispatcher's SearchDriver feeds it the finished configurations and stores the proposals.
 */
import { createRng, planSweep, type ParetoSearchSpec, type Rng, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
import { nondominatedSort, type ObjectiveMode } from './nondominated-sort.js';
import { SearchSpace, type Indices } from './search-space.js';
import type { SearchStrategy } from './search-strategy.js';

/** A finished configuration: where it is, and its objective values in `objectives` order. */
export interface ParetoPoint {
  indices: Indices;
  values: readonly number[];
}

/** Above this many configurations the random fill draws with rejection instead of listing the unseen. */
const ENUMERATE_LIMIT = 200_000;

export class ParetoSearch implements SearchStrategy {
  readonly kind = 'pareto';
  readonly space: SearchSpace;
  readonly modes: readonly ObjectiveMode[];
  /** The spec's `search` section. */
  readonly search: ParetoSearchSpec;

  constructor(private readonly spec: SweepSpec) {
    if (spec.search.kind !== 'pareto') throw new Error(`ParetoSearch needs search.kind: pareto (got ${spec.search.kind})`);
    this.search = spec.search;
    this.space = new SearchSpace(spec);
    this.modes = this.search.objectives.map((o) => o.mode);
  }

  /** The initial random sample. */
  plan(): SweepPlan {
    return planSweep(this.spec);
  }

  /** The finished configurations in Pareto fronts, best first. */
  fronts<P extends ParetoPoint>(finished: readonly P[]): P[][] {
    return nondominatedSort(finished, (p) => p.values, this.modes);
  }

  /** The nondominated configurations. */
  front<P extends ParetoPoint>(finished: readonly P[]): P[] {
    return this.fronts(finished)[0] ?? [];
  }

  /**
   * Up to `n` configurations not in `seen` (every configuration the sweep holds, running ones
   * included): neighbours of front 0 first, in a seeded random order, then of the later fronts, then
   * random unseen ones. Fewer when the space is exhausted.
   */
  propose(finished: readonly ParetoPoint[], n: number, seen: Iterable<Indices>): number[][] {
    const taken = new Set<string>();
    for (const s of seen) taken.add(this.space.key(s));
    for (const f of finished) taken.add(this.space.key(f.indices));
    // A new stream per round (the seen count grows), so rounds do not repeat each other's choices.
    const rng = createRng((this.search.seed ^ Math.imul(taken.size + 1, 0x9e3779b1)) >>> 0);
    const out: number[][] = [];
    const take = (c: number[]) => {
      taken.add(this.space.key(c));
      out.push(c);
    };
    for (const front of this.fronts(finished)) {
      if (out.length >= n) break;
      const near = new Map<string, number[]>();
      for (const p of front) {
        for (const c of this.space.neighbours(p.indices)) {
          const k = this.space.key(c);
          if (!taken.has(k)) near.set(k, c);
        }
      }
      for (const c of shuffle([...near.values()], rng)) {
        if (out.length >= n) break;
        take(c);
      }
    }
    if (out.length < n) for (const c of this.randomUnseen(n - out.length, taken, rng)) take(c);
    return out;
  }

  private randomUnseen(n: number, taken: ReadonlySet<string>, rng: Rng): number[][] {
    const size = this.space.size;
    if (size <= BigInt(ENUMERATE_LIMIT)) {
      const unseen: number[][] = [];
      for (let i = 0; i < Number(size); i++) {
        const c = this.space.decode(i);
        if (!taken.has(this.space.key(c))) unseen.push(c);
      }
      return shuffle(unseen, rng).slice(0, n);
    }
    // A huge space is nearly all unseen: rejection sampling finds n quickly.
    const out = new Map<string, number[]>();
    for (let tries = 0; out.size < n && tries < 100 * n; tries++) {
      const c = this.space.sizes.map((s) => rng.int(s));
      const k = this.space.key(c);
      if (!taken.has(k)) out.set(k, c);
    }
    return [...out.values()];
  }
}

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The frozen low-rank branch of each adapted weight (down = V, up = ΣUᵀ from a truncated SVD), kept in
 * memory so that trials differing only in u, tying, projection seed or optimizer settings do not
 * factor the same weights again. A 7B model at rank 2 is minutes of SVD; the branches are small
 * ((in + out) × rank floats per module, ~25 MB for all 196 modules of Qwen2.5-7B).
 *
 *   const cache = new FactorCache({ maxEntries: 4096 });
 *   const branch = cache.get({ modelHash, layer: 3, module: 'q', rank: 2, svd: { seed: 0, iterations: 4 } }, () => factor());
 */
import type { LowRankBranch, ModuleName } from '@tinysweep/tinylora';

/** What one branch depends on: nothing else may change its numbers. */
export interface FactorKey {
  /** LoadedModel.hash of the base model. */
  modelHash: string;
  layer: number;
  module: ModuleName;
  rank: number;
  /** The SVD's seed and power steps (the oversampling is fixed by adapter format 1). */
  svd: { seed: number; iterations: number };
}

/** Options of {@link FactorCache}. */
export interface FactorCacheOptions {
  /**
   * Branches kept; the least recently used is dropped beyond this (a model has layers × 7 of them
   * per rank, so the default holds every module of several 28-layer models at a few ranks).
   * @defaultValue `4096`
   */
  maxEntries?: number;
}

/** An LRU map from {@link FactorKey} to the module's {@link LowRankBranch}. */
export class FactorCache {
  readonly maxEntries: number;
  private readonly entries = new Map<string, LowRankBranch>();
  private hitCount = 0;
  private missCount = 0;

  constructor(opts: FactorCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 4096;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 0) throw new Error(`maxEntries must be a non-negative integer (got ${this.maxEntries})`);
  }

  /** The cached branch for `key`, or `compute()`'s (then cached). */
  get(key: FactorKey, compute: () => LowRankBranch): LowRankBranch {
    const k = factorKeyString(key);
    const hit = this.entries.get(k);
    if (hit) {
      this.hitCount++;
      // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
      this.entries.delete(k);
      this.entries.set(k, hit);
      return hit;
    }
    this.missCount++;
    const branch = compute();
    if (this.maxEntries === 0) return branch;
    this.entries.set(k, branch);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return branch;
  }

  /** Entries held, lookups answered from the cache, and branches computed. */
  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.entries.size, hits: this.hitCount, misses: this.missCount };
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The cache key as text (the model hash is hex, so `|` cannot occur in it). */
export function factorKeyString(k: FactorKey): string {
  return `${k.modelHash}|${k.layer}|${k.module}|r${k.rank}|svd=${k.svd.seed}:${k.svd.iterations}`;
}

/** The process-wide cache {@link buildAdapterPlan} uses when given none. */
export const defaultFactorCache = new FactorCache();

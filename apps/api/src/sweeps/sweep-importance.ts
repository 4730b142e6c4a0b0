import { Inject, Injectable } from '@nestjs/common';
import { SearchRepository } from '@tinysweep/db';
import type { ParameterImportanceView } from '@tinysweep/api-types';
import { configObservations, MIN_IMPORTANCE_CONFIGS, parameterImportance, TpeSpace } from '@tinysweep/search';
import type { SweepSpec } from '@tinysweep/spec';

/** Sweep versions whose importance is kept (a finished sweep's never changes). */
const CACHE_SIZE = 64;

/**
 * `GET /sweeps/:id/importance`: which parameters mattered, fANOVA-style on a random-forest surrogate
 * of the sweep's objective (libs/search importance.ts), over its finished configurations with their
 * seeds pooled. Kept per sweep version: a finished sweep's is computed once.
 */
@Injectable()
export class SweepImportanceService {
  private readonly cache = new Map<string, Promise<ParameterImportanceView>>();

  constructor(@Inject(SearchRepository) private readonly search: SearchRepository) {}

  importance(id: string, version: Date, spec: SweepSpec, metric: string, maximize: boolean): Promise<ParameterImportanceView> {
    const key = `${id}@${version.toISOString()}|${metric}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(id, spec, metric, maximize);
      this.cache.set(key, hit);
      hit.catch(() => this.cache.delete(key));
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    }
    return hit;
  }

  private async compute(id: string, spec: SweepSpec, metric: string, maximize: boolean): Promise<ParameterImportanceView> {
    const space = new TpeSpace(spec);
    const objective = { metric, mode: maximize ? 'max' : 'min' } as const;
    const observations = configObservations(space, objective, await this.search.trials(id));
    const base = { metric, maximize, method: 'fanova-random-forest', minConfigs: MIN_IMPORTANCE_CONFIGS } as const;
    // too few finished yet: nothing to fit (an answer, not an error: a running sweep gets there)
    if (observations.length < MIN_IMPORTANCE_CONFIGS) return { ...base, configs: observations.length, interactions: 0, importance: [] };
    const r = parameterImportance(space, observations, { seed: 0 });
    return { ...base, configs: r.configs, interactions: r.interactions, importance: r.importance };
  }
}

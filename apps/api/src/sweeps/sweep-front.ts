import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { SearchRepository, type JsonObject } from '@tinysweep/db';
import { configPoints, paretoFront, SearchSpace } from '@tinysweep/search';
import { EFFECTIVE_PARAMS_OBJECTIVE, type ObjectiveSpec, type SweepSpec } from '@tinysweep/spec';

/** One configuration on the Pareto front. */
export interface FrontConfig {
  groupHash: string;
  params: JsonObject;
  /** Objective → mean over the configuration's succeeded replicates. */
  values: Record<string, number>;
  replicates: number;
}

/** `GET /sweeps/:id/front`. */
export interface SweepFront {
  objectives: ObjectiveSpec[];
  /** Finished configurations (at least one succeeded replicate) the front was taken over. */
  configs: number;
  front: FrontConfig[];
}

/**
 * The Pareto front of a sweep's finished configurations, computed as the pareto search and the
 * board's scatters compute it (libs/search's paretoFront): over its `search.objectives`, or for other
 * searches over the sweep's metric and effective parameters. Configurations come in the order of
 * their first trial (SearchRepository.trials is by ordinal), so of configurations tied in every
 * objective the earliest is listed, as the board's front names the earliest tied trial
 * (apps/api/src/board/scatter-fronts.ts says where the two still differ by design).
 */
@Injectable()
export class SweepFrontService {
  constructor(@Inject(SearchRepository) private readonly search: SearchRepository) {}

  async front(id: string, spec: SweepSpec, metric: string, maximize: boolean): Promise<SweepFront> {
    const objectives = spec.search.kind === 'pareto' ? spec.search.objectives : [{ metric, mode: maximize ? 'max' : 'min' } as const, EFFECTIVE_PARAMS_OBJECTIVE];
    let space: SearchSpace;
    try {
      space = new SearchSpace(spec);
    } catch (err) {
      throw new ConflictException(`no front for this sweep: ${(err as Error).message}`);
    }
    const finished = configPoints(space, await this.search.trials(id), objectives).filter((c) => !c.open && c.succeeded > 0);
    const front = paretoFront(finished, (c) => c.values, objectives.map((o) => o.mode));
    return {
      objectives,
      configs: finished.length,
      front: front.map((c) => ({
        groupHash: c.groupHash,
        params: c.params as JsonObject,
        values: Object.fromEntries(objectives.map((o, i) => [o.metric, c.values[i]!])),
        replicates: c.succeeded,
      })),
    };
  }
}

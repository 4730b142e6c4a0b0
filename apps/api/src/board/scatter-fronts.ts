/**
 * The board's Pareto fronts (`GET /sweeps/:id/pareto`): libs/search's paretoFront, the one
 * `GET /sweeps/:id/front` and the pareto search use, over the best trial at each parameter count
 * that AggregateRepository.scatterPass reads (fewer parameters and a better metric), then the
 * params of the trials on them. The database returns rows; which of them are optimal is decided
 * here, once for the whole project.
 */
import type { AggregateRepository, CountBest, JsonObject, ParamCountColumn, ScatterPass, ScatterRows } from '@tinysweep/db';
import { paretoFront } from '@tinysweep/search';

/** A trial on a scatter's front: no trial has as few parameters and a better metric. */
export interface FrontPoint extends CountBest {
  params: JsonObject;
}

/** A scatter as the board gets it (api-types' Scatter): its points and its front. */
export interface Scatter extends Omit<ScatterRows, 'best'> {
  front: FrontPoint[];
}

/** Both scatters of `GET /sweeps/:id/pareto`. */
export interface ScatterFronts {
  trainable: Scatter;
  effective: Scatter;
}

/** One scatter's front, by count: each count's best trial stands for the trials tied with it. */
export function countFront(best: readonly CountBest[], maximize: boolean): CountBest[] {
  return paretoFront(best, (b) => [b.x, b.y], ['min', maximize ? 'max' : 'min']).sort((a, b) => a.x - b.x);
}

/** The scatters as read, with their fronts and the front trials' params (seed included). */
export async function withFronts(agg: Pick<AggregateRepository, 'trialParams'>, pass: ScatterPass, maximize: boolean): Promise<ScatterFronts> {
  const fronts = { trainable: countFront(pass.trainable.best, maximize), effective: countFront(pass.effective.best, maximize) };
  const params = await agg.trialParams([...new Set([...fronts.trainable, ...fronts.effective].map((f) => f.trialId))], { withSeed: true });
  const scatter = (col: ParamCountColumn): Scatter => {
    const { best: _candidates, ...rows } = pass[col];
    return { ...rows, front: fronts[col].map((f) => ({ ...f, params: params.get(f.trialId) ?? {} })) };
  };
  return { trainable: scatter('trainable'), effective: scatter('effective') };
}

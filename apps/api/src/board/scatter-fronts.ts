/**
 * The board's Pareto fronts (`GET /sweeps/:id/pareto`): libs/search's paretoFront, the one
 * `GET /sweeps/:id/front` and the pareto search use, over the best trial at each parameter count
 * that AggregateRepository.scatterPass reads (fewer parameters and a better metric), then the
 * params of the trials on them. The database returns rows; which of them are optimal is decided
 * here, once for the whole project.
 *
 * Against `GET /sweeps/:id/front` (sweep-front.ts; its objectives by default the metric and effective
 * parameters, the effective scatter here): both keep one of tied points, the lowest ordinal's
 * (paretoFront's rule; scatterPass reduces a count to its lowest-ordinal best trial, and the front
 * orders configurations by their first trial), and both count trials with 0 parameters. For a
 * finished sweep with one seed per configuration they list the same trials' configurations. They
 * still differ by design where a configuration has several seeds (a point here is a trial, there
 * the mean of its replicates) or some replicate is unfinished (the front waits for it).
 */
import type { AggregateRepository, CountBest, JsonObject, ParamCountColumn, ScatterPass, ScatterRows } from '@tinysweep/db';
import { paretoFront } from '@tinysweep/search';

/** A trial on a scatter's front: no trial has as few parameters and a better metric. */
export interface FrontPoint extends CountBest {
  params: JsonObject;
}

/** One adapter method's part of a scatter: its trials and its own front. */
export interface MethodFront {
  method: string;
  total: number;
  front: FrontPoint[];
}

/** A scatter as the board gets it (api-types' Scatter): its points and its front. */
export interface Scatter extends Omit<ScatterRows, 'best' | 'methods' | 'pointMethod'> {
  front: FrontPoint[];
  /** With more than one adapter method: each method's front (the comparison); else empty. */
  methods: MethodFront[];
  /** With more than one method: each point's index into `methods`; else absent. */
  pointMethod?: number[];
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

/** The scatters as read, with their fronts (overall, and per method when there are several) and the front trials' params (seed included). */
export async function withFronts(agg: Pick<AggregateRepository, 'trialParams'>, pass: ScatterPass, maximize: boolean): Promise<ScatterFronts> {
  const fronts = (rows: ScatterRows) => ({
    front: countFront(rows.best, maximize),
    methods: rows.methods.length > 1 ? rows.methods.map((m) => ({ method: m.method, front: countFront(m.best, maximize) })) : [],
  });
  const found = { trainable: fronts(pass.trainable), effective: fronts(pass.effective) };
  const ids = Object.values(found).flatMap((f) => [...f.front, ...f.methods.flatMap((m) => m.front)].map((b) => b.trialId));
  const params = await agg.trialParams([...new Set(ids)], { withSeed: true });
  const withParams = (front: CountBest[]): FrontPoint[] => front.map((f) => ({ ...f, params: params.get(f.trialId) ?? {} }));
  const scatter = (col: ParamCountColumn): Scatter => {
    const { best: _candidates, methods: _methods, pointMethod, ...rows } = pass[col];
    const methods = found[col].methods;
    // Points per method, counted from what the pass read (bins count their trials).
    const totals = methods.map(() => 0);
    if (methods.length > 0) pointMethod.forEach((m, i) => (totals[m]! += rows.binned ? (rows.points[i]![2] as number) : 1));
    return {
      ...rows,
      front: withParams(found[col].front),
      methods: methods.map((m, i) => ({ method: m.method, total: totals[i]!, front: withParams(m.front) })),
      ...(methods.length > 0 ? { pointMethod } : {}),
    };
  };
  return { trainable: scatter('trainable'), effective: scatter('effective') };
}

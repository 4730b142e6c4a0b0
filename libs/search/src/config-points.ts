/**
 * A sweep's trials as points of a pareto search: one per configuration (its seed replicates pooled),
 * placed in the search space, with the mean of each objective over its succeeded replicates.
 */
import type { ObjectiveSpec, TrialParams } from '@tinysweep/spec';
import type { ParetoPoint } from './pareto-search.js';
import type { Indices, SearchSpace } from './search-space.js';

/** What a trial contributes (a subset of the stored trial). */
export interface PointTrial {
  status: string;
  params: TrialParams;
  groupHash: string;
  metrics: Readonly<Record<string, number>> | null;
  trainableParams: number | null;
  effectiveParams: number | null;
}

/** A configuration of the sweep: finished ones carry a point. */
export interface ConfigPoint extends ParetoPoint {
  groupHash: string;
  params: TrialParams;
  /** Some replicate is still queued or running. */
  open: boolean;
  /** Succeeded replicates. */
  succeeded: number;
}

/** An objective's value on a trial: a reported metric, else the result's parameter counts for `effective_params` / `trainable_params`. */
export function objectiveValue(t: Pick<PointTrial, 'metrics' | 'effectiveParams' | 'trainableParams'>, metric: string): number {
  const reported = t.metrics?.[metric];
  if (typeof reported === 'number') return reported;
  if (metric === 'effective_params') return t.effectiveParams ?? Number.NaN;
  if (metric === 'trainable_params') return t.trainableParams ?? Number.NaN;
  return Number.NaN;
}

/**
 * The configurations of a sweep's trials that lie in `space` (others are skipped), in first-seen
 * order. `values` is the mean over succeeded replicates (NaN when none succeeded or one lacks it).
 */
export function configPoints(space: SearchSpace, trials: readonly PointTrial[], objectives: readonly ObjectiveSpec[]): ConfigPoint[] {
  const groups = new Map<string, PointTrial[]>();
  for (const t of trials) groups.set(t.groupHash, [...(groups.get(t.groupHash) ?? []), t]);
  const out: ConfigPoint[] = [];
  for (const [groupHash, group] of groups) {
    const indices: Indices | undefined = space.indicesOf(group[0]!.params);
    if (!indices) continue;
    const ok = group.filter((t) => t.status === 'succeeded');
    const { seed: _seed, ...params } = group[0]!.params;
    out.push({
      groupHash,
      params,
      indices,
      open: group.some((t) => t.status === 'queued' || t.status === 'running'),
      succeeded: ok.length,
      values: objectives.map((o) => (ok.length === 0 ? Number.NaN : ok.reduce((s, t) => s + objectiveValue(t, o.metric), 0) / ok.length)),
    });
  }
  return out;
}

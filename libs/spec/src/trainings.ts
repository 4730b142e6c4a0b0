/**
 * Shared trainings: trials of a plan that differ only in `prune` (same trainHash, see
 * {@link sharesTraining}) train once, and each trial prunes and evaluates that training's adapter.
 * The plan carries them whole (SweepPlan.trainings), so the API stores them as planned and no app
 * groups trials or strips their pruning again.
 */
import type { TrialPlan } from './expand.js';
import type { TrialParams } from './sweep-axes.js';

/** One training of a plan: what it trains (a trial's params without `prune`), and which trials share it. */
export interface PlannedTraining {
  /** canonicalHash of `params`: the trainHash of its trials. */
  trainHash: string;
  params: TrialParams;
  /** Ordinals of the trials that prune and evaluate its adapter (two or more). */
  ordinals: number[];
}

/** What a trial trains: its params without `prune` (pruning comes after training). */
export function trainingParams<T extends { prune?: unknown }>(params: T): Omit<T, 'prune'> {
  const { prune: _prune, ...trained } = params;
  return trained;
}

/** The trainings of these trials: groups of two or more with one trainHash, in order of their first trial; a lone trial trains itself. */
export function planTrainings(trials: readonly TrialPlan[]): PlannedTraining[] {
  const groups = new Map<string, TrialPlan[]>();
  for (const t of trials) {
    if (t.trainHash === undefined) continue;
    const group = groups.get(t.trainHash);
    if (group) group.push(t);
    else groups.set(t.trainHash, [t]);
  }
  return [...groups]
    .filter(([, group]) => group.length >= 2)
    .map(([trainHash, group]) => ({ trainHash, params: trainingParams(group[0]!.params), ordinals: group.map((t) => t.ordinal) }));
}

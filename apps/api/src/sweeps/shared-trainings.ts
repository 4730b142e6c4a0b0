import { randomUUID } from 'node:crypto';
import type { JsonObject, NewTraining } from '@tinysweep/db';
import type { TrialPlan } from '@tinysweep/spec';

/**
 * The shared trainings of a plan: trials with equal trainHash (params without prune) that are at
 * least two train once. Returns the trainings to create, by trainHash; a lone trial trains itself.
 */
export function sharedTrainings(trials: readonly TrialPlan[]): Map<string, NewTraining> {
  const groups = new Map<string, TrialPlan[]>();
  for (const t of trials) if (t.trainHash !== undefined) groups.set(t.trainHash, [...(groups.get(t.trainHash) ?? []), t]);
  const out = new Map<string, NewTraining>();
  for (const [trainHash, group] of groups) {
    if (group.length < 2) continue;
    const { prune: _prune, ...params } = group[0]!.params;
    out.set(trainHash, { id: randomUUID(), trainHash, params: params as JsonObject });
  }
  return out;
}

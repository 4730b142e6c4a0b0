/**
 * ASHA with pausing over shared trainings: the competitors at the rungs are runs, not trials. A
 * trial that trains itself competes as itself; the trials of a shared training (one configuration
 * whatever its pruning thresholds) are ONE competitor, represented by its first open trial by
 * ordinal — the trial the training's rung values are recorded under, as with asynchronous promotion
 * (TrainingRunner) — and its other trials are not competitors at all: counted, they would add values
 * nobody recorded, or hold every rung open forever as trials that never reach one.
 *
 * Pure: SearchRepository.resolvePauses reads the rows under the sweep's lock, collapses them here,
 * hands the competitors to the promotion rule, and applies its answer to each competitor's members.
 */
import type { TrialStatus } from './domain.js';
import type { RungValue } from './search-repository.js';

/** An open trial of a pausing sweep (queued, running or paused, no result yet), with its training. */
export interface OpenTrialRow {
  id: string;
  ordinal: number;
  status: 'queued' | 'running' | 'paused';
  trainingId: string | null;
  trainingStatus: TrialStatus | null;
}

/** One competitor at the rungs: a trial, or a shared training represented by one of its trials. */
export interface Competitor {
  /** The trial the promotion rule knows it by. */
  id: string;
  status: 'queued' | 'running' | 'paused';
  /** Its values by rung (a training's, whichever of its trials they were recorded under). */
  rungs: Map<number, number>;
  /** Its shared training, if it is one. */
  trainingId: string | null;
}

export interface Competitors {
  competitors: Competitor[];
  /** Every rung value, a training's under its representative (one value per competitor per rung). */
  values: RungValue[];
}

/**
 * Collapses open trials into competitors. `trainingOf` maps every trial of the sweep that belongs to
 * a shared training (open or not) to it, so values recorded under a trial that has ended since — a
 * representative cancelled by hand — still count for its training. Trials of a training that has
 * stopped competing (succeeded: they only prune and evaluate now; ended) are left out; their values
 * stay among `values`, as a finished trial's do.
 */
export function collapseTrainings(open: readonly OpenTrialRow[], recorded: readonly RungValue[], trainingOf: ReadonlyMap<string, string>): Competitors {
  const representative = new Map<string, OpenTrialRow>();
  const competitors: Competitor[] = [];
  for (const t of [...open].sort((a, b) => a.ordinal - b.ordinal)) {
    if (t.trainingId === null) {
      competitors.push({ id: t.id, status: t.status, rungs: new Map(), trainingId: null });
      continue;
    }
    if (!competing(t.trainingStatus) || representative.has(t.trainingId)) continue;
    representative.set(t.trainingId, t);
    // The training's state is the competitor's: its trials wait `queued` while it runs.
    const status = t.trainingStatus === 'paused' || t.trainingStatus === 'running' ? t.trainingStatus : t.status;
    competitors.push({ id: t.id, status, rungs: new Map(), trainingId: t.trainingId });
  }
  const byId = new Map(competitors.map((c) => [c.id, c]));
  const values: RungValue[] = [];
  const seen = new Set<string>();
  for (const v of recorded) {
    const training = trainingOf.get(v.trialId);
    const id = (training !== undefined ? representative.get(training)?.id : undefined) ?? v.trialId;
    const key = `${id}@${v.rung}`;
    if (seen.has(key)) continue; // one value per competitor per rung: the first recorded stays
    seen.add(key);
    values.push(id === v.trialId ? v : { ...v, trialId: id });
    const c = byId.get(id);
    if (c && !c.rungs.has(v.rung)) c.rungs.set(v.rung, v.value);
  }
  return { competitors, values };
}

/** Whether a training still competes at the rungs (not yet trained to the end, not ended). */
function competing(status: TrialStatus | null): boolean {
  return status === 'queued' || status === 'running' || status === 'paused';
}

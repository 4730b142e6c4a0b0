/**
 * What a tpe search knows from a sweep's trials: one observation per configuration (its seed
 * replicates pooled), the configurations in flight, and every one already tried.
 *
 * Without ASHA an observation is the mean objective over a configuration's succeeded replicates.
 * With ASHA (BOHB's rule, Falkner et al. 2018) the estimator is fitted at the largest budget that
 * has at least `startup` configurations measured: the full run (the objective of finished trials)
 * if enough finished, else the highest rung with enough values (the rung metric, meaned over the
 * replicates that reached it) — so proposals improve while most trials are still being stopped low.
 */
import type { ObjectiveSpec, TrialParams } from '@tinysweep/spec';
import type { Observation, TpeSearch } from './tpe-search.js';
import type { Point, TpeSpace } from './tpe-space.js';

/** What a trial contributes (a subset of the stored trial). */
export interface HistoryTrial {
  id: string;
  status: string;
  params: TrialParams;
  groupHash: string;
  metrics: Readonly<Record<string, number>> | null;
}

/** A value recorded at an ASHA rung. */
export interface HistoryRung {
  trialId: string;
  rung: number;
  value: number;
}

export interface TpeHistory {
  observations: Observation[];
  /** Configurations with a replicate queued, running or paused. */
  running: Point[];
  /** Keys (group hashes) of every configuration the sweep holds. */
  seen: string[];
  /** Configurations in the sweep. */
  configs: number;
  /** Where the observations were measured: `final`, or the rung's iterations. */
  level: 'final' | number;
}

const OPEN = new Set(['queued', 'running', 'paused']);

/** A finished configuration: one replicate's params (seed aside, all are the config's) and its objective's mean over them. */
export interface ConfigMean {
  params: TrialParams;
  /** The metric's mean over the configuration's succeeded replicates. */
  mean: number;
}

/**
 * The finished configurations of a sweep as observations: where each is in `space`, and its objective
 * meaned over its succeeded replicates (negated when smaller is better). Configurations with a
 * replicate still open, none succeeded, or a value outside the space are left out.
 */
export function configObservations(space: TpeSpace, objective: ObjectiveSpec, trials: readonly HistoryTrial[]): Observation[] {
  const groups = new Map<string, HistoryTrial[]>();
  for (const t of trials) {
    const g = groups.get(t.groupHash);
    if (g) g.push(t);
    else groups.set(t.groupHash, [t]);
  }
  const means: ConfigMean[] = [];
  for (const ts of groups.values()) {
    const ok = ts.filter((t) => t.status === 'succeeded' && typeof t.metrics?.[objective.metric] === 'number');
    if (ok.length === 0 || ts.some((t) => OPEN.has(t.status))) continue;
    means.push({ params: ts[0]!.params, mean: ok.reduce((s, t) => s + t.metrics![objective.metric]!, 0) / ok.length });
  }
  return meanObservations(space, objective, means);
}

/**
 * Configurations' means (pooled where they are read: the API's board pass pools them in Postgres) as
 * observations: where each is in `space` (left out when outside it), its mean negated when smaller is better.
 */
export function meanObservations(space: TpeSpace, objective: ObjectiveSpec, configs: readonly ConfigMean[]): Observation[] {
  const sign = objective.mode === 'max' ? 1 : -1;
  const out: Observation[] = [];
  for (const c of configs) {
    const point = space.pointOf(c.params);
    if (point) out.push({ point, value: sign * c.mean });
  }
  return out;
}

export function tpeHistory(search: TpeSearch, objective: ObjectiveSpec, trials: readonly HistoryTrial[], rungs: readonly HistoryRung[] = []): TpeHistory {
  const groups = new Map<string, HistoryTrial[]>();
  for (const t of trials) groups.set(t.groupHash, [...(groups.get(t.groupHash) ?? []), t]);
  const points = new Map<string, Point | undefined>([...groups].map(([g, ts]) => [g, search.space.pointOf(ts[0]!.params)]));
  const running = [...groups].filter(([, ts]) => ts.some((t) => OPEN.has(t.status))).map(([g]) => points.get(g)).filter((p): p is Point => p !== undefined);
  const sign = (mode: 'max' | 'min') => (mode === 'max' ? 1 : -1);

  const final = configObservations(search.space, objective, trials);
  const out = { running, seen: [...groups.keys()], configs: groups.size };
  const asha = search.search.asha;
  if (!asha || final.length >= search.search.startup) return { ...out, observations: final, level: 'final' };

  // BOHB: the highest rung with enough configurations measured
  const groupOf = new Map(trials.map((t) => [t.id, t.groupHash]));
  const rungList = [...new Set(rungs.map((r) => r.rung))].sort((a, b) => b - a);
  for (const rung of rungList) {
    const byGroup = new Map<string, number[]>();
    for (const r of rungs) {
      const g = groupOf.get(r.trialId);
      if (r.rung === rung && g !== undefined && Number.isFinite(r.value)) byGroup.set(g, [...(byGroup.get(g) ?? []), r.value]);
    }
    const observations = [...byGroup]
      .map(([g, vs]) => ({ point: points.get(g), value: (sign(asha.mode) * vs.reduce((s, v) => s + v, 0)) / vs.length }))
      .filter((o): o is Observation => o.point !== undefined);
    if (observations.length >= search.search.startup) return { ...out, observations, level: rung };
  }
  return { ...out, observations: final, level: 'final' };
}

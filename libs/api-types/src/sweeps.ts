import type { JsonObject } from './json.js';
import type { SweepStatus, TrialStatus, Verdict } from './status.js';

/** Number of trials of a sweep in each status (every status, zeros included). */
export type TrialCounts = Record<TrialStatus, number>;

/**
 * A sweep's shared trainings: trials that differ only in `prune` train once, then each prunes and
 * evaluates the result. While a training runs its trials wait in `queued`; it is work in flight.
 */
export interface TrainingCounts {
  total: number;
  running: number;
  /** Succeeded, failed or cancelled. */
  done: number;
}

export interface BestTrial {
  trialId: string;
  value: number;
  params: JsonObject;
}

/**
 * A sweep as `GET /sweeps` and `GET /sweeps/:id` serve it (and the `sweep` events of its stream):
 * counts by status and the best trial. A reproduction run names its origin and schedule.
 */
export interface Sweep {
  id: string;
  name: string;
  status: SweepStatus;
  createdAt: string;
  finishedAt: string | null;
  /** Moves with every change of the sweep or its trials: of two copies, the later one is current. */
  updatedAt: string;
  trialCount: number;
  counts: TrialCounts;
  /** Shared trainings (all zeros when the sweep has none). */
  trainings: TrainingCounts;
  /** Name of the metric the sweep optimises, e.g. `score`. */
  metric: string;
  maximize: boolean;
  best: BestTrial | null;
  /** Reproduction runs: the sweep reproduced (null for original sweeps). */
  originId: string | null;
  /** Reproduction runs: the schedule that fired it. */
  scheduleId: string | null;
  /** The run's verdict once judged; null for original sweeps and runs still going. */
  verdict: Verdict | null;
}

/** `GET /sweeps/:id`: the sweep with its spec. */
export interface SweepDetail extends Sweep {
  spec: JsonObject;
  /** For a judged reproduction run: the control plane's code version and the environments trials reported. */
  environment: JsonObject | null;
  verdictAt: string | null;
  /** Reproduction runs: when the schedule tick that created it fired. */
  firedAt: string | null;
}

/** Response of `POST /sweeps`. */
export interface SubmitSweepResult {
  id: string;
  name: string;
  status: 'queued';
  trialCount: number;
  duplicatesCollapsed: number;
  /** Trainings shared by trials that differ only in prune (each trains once). */
  sharedTrainings: number;
  /** False when Redis was unreachable: the trials are stored and the reconciler enqueues them. */
  enqueued: boolean;
  /** True when an earlier request with the same `Idempotency-Key` created this sweep (nothing new was stored). */
  replayed?: boolean;
}

/** Response of `POST /sweeps/:id/extend`. */
export interface ExtendSweepResult {
  id: string;
  /** New trials (configs the sweep already had are not added again). */
  added: number;
  trialCount: number;
  /** New shared trainings among them. */
  sharedTrainings: number;
  /** The sweep's seeds now. */
  seeds: number[];
}

/** A schedule tied to a sweep, as `GET /overview` lists it: `run`, the sweep is one of its runs; `source`, it re-runs the sweep. */
export interface ScheduleRef {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  paused: boolean;
  role: 'run' | 'source';
}

/** `GET /overview` items: a sweep and the schedules that fire or re-run it. */
export interface OverviewSweep extends Sweep {
  schedules: ScheduleRef[];
}

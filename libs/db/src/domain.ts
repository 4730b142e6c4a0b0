/** Domain shapes that leave libs/db; they are also the JSON the API serves. */

import type { SweepStatus, TrialStatus, Verdict } from '@tinysweep/api-types';

// The statuses are the words the API serves and its clients read: one list, in libs/api-types.
export { TERMINAL_TRIAL_STATUSES, TRIAL_STATUSES, type SweepStatus, type TrialStatus, type Verdict } from '@tinysweep/api-types';

export type JsonObject = { [key: string]: unknown };
export type Metrics = Record<string, number>;

export interface TrialCounts {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  stopped: number;
}

/** A sweep's shared trainings (trials that differ only in prune train once): all, in flight, finished. */
export interface TrainingCounts {
  total: number;
  running: number;
  done: number;
}

export interface BestTrial {
  trialId: string;
  value: number;
  params: JsonObject;
}

export interface Sweep {
  id: string;
  name: string;
  status: SweepStatus;
  /** Set on reproduction runs. */
  originId: string | null;
  scheduleId: string | null;
  verdict: Verdict | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Moves whenever the sweep or one of its trials changes state: of two reads, the later one. */
  updatedAt: Date;
  trialCount: number;
  counts: TrialCounts;
  /** Shared trainings; a running one is work in flight although its trials still wait in `queued`. */
  trainings: TrainingCounts;
  metric: string;
  maximize: boolean;
  best: BestTrial | null;
}

export interface SweepWithSpec extends Sweep {
  spec: JsonObject;
  /** For a judged reproduction run: the control plane's code version and the environments trials reported. */
  environment: JsonObject | null;
  verdictAt: Date | null;
  firedAt: Date | null;
}

export interface Trial {
  id: string;
  sweepId: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  seed: number;
  configHash: string;
  groupHash: string;
  attempts: number;
  trainerId: string | null;
  metrics: Metrics | null;
  trainableParams: number | null;
  effectiveParams: number | null;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Set when the result was reused from an earlier succeeded trial with the same result key (not trained). */
  reusedFromTrialId: string | null;
  /** The shared training this trial pruned and evaluated (trials that differ only in prune). */
  trainingId: string | null;
}

export interface CurvePoint {
  step: number;
  metrics: Metrics;
}

export interface TrialAttemptRow {
  attempt: number;
  trainerId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: string | null;
  error: string | null;
}

export interface TrialDetail extends Trial {
  adapter: JsonObject | null;
  logTail: string | null;
  curve: CurvePoint[];
  attemptHistory: TrialAttemptRow[];
}

/** A trial as the expander planned it, ready to insert. */
export interface NewTrial {
  id: string;
  ordinal: number;
  params: JsonObject;
  seed: number;
  configHash: string;
  groupHash: string;
  /** Shared training: trials with equal trainHash (params without prune) train once. */
  trainHash?: string;
}

/** A shared training to create with a sweep (see {@link NewTrial.trainHash}). */
export interface NewTraining {
  id: string;
  trainHash: string;
  /** The trials' params without prune. */
  params: JsonObject;
}

export interface NewSweep {
  id: string;
  name: string;
  spec: JsonObject;
  specSource: string;
  metric: string;
  maximize: boolean;
  trials: NewTrial[];
  /** Shared trainings; each trial whose trainHash matches one is linked to it. @defaultValue none */
  trainings?: NewTraining[];
  /** A reproduction run: the sweep it reproduces, and the schedule tick that fired it. */
  reproduces?: { originId: string | null; scheduleId: string | null; firedAt: Date };
  /**
   * Its search adds trials as they finish (pareto): the sweep stays running with no trial open
   * until the search says it has nothing more to propose (SearchRepository.extend).
   * @defaultValue false
   */
  searchOpen?: boolean;
  /** Name of the API token that submitted it. @defaultValue null (no tokens) */
  owner?: string | null;
  /**
   * The request's idempotency key (a hash of the submitter and its Idempotency-Key header): a second
   * sweep with the same key is not stored. @defaultValue null
   */
  idempotencyKey?: string | null;
}

/** What a finished attempt reports. */
export interface TrialOutcome {
  status: 'succeeded' | 'failed' | 'cancelled' | 'stopped';
  metrics: Metrics | null;
  trainableParams: number | null;
  effectiveParams: number | null;
  adapter: JsonObject | null;
  error: string | null;
  logTail: string | null;
  /** What the trainer reported about where the attempt ran. */
  environment?: JsonObject | null;
  /** For a success: the key under which later trials may reuse it (libs/search resultKey). */
  resultKey?: string | null;
}

export interface TrialPageQuery {
  offset?: number;
  limit?: number;
  /** 'ordinal' | 'status' | 'startedAt' | 'finishedAt' | 'trainableParams' | 'effectiveParams' | 'metrics.<name>' | 'params.<dotted>' */
  sort?: string;
  order?: 'asc' | 'desc';
  status?: TrialStatus;
  /** Equality filters on params by dotted path, e.g. { 'adapter.rank': 2 }. */
  params?: Record<string, string | number | boolean>;
}

export interface TrialPage {
  total: number;
  items: Trial[];
}

export type ScheduleMode = 'full' | 'top-k';

export interface NewSchedule {
  name: string;
  cron: string;
  timeZone: string;
  /** The sweep to reproduce, or null when the schedule carries its own spec. */
  sourceSweepId: string | null;
  spec: JsonObject | null;
  mode: ScheduleMode;
  topK: number | null;
  tolerance: number;
  extraSeeds: number;
  webhookUrl: string | null;
  /** Name of the API token that created it; null without tokens. */
  owner: string | null;
}

export interface Schedule extends NewSchedule {
  id: string;
  paused: boolean;
  createdAt: Date;
  lastFiredAt: Date | null;
}

/** Replicate values of one config (trials sharing a group hash) for one metric. */
export interface ConfigValues {
  groupHash: string;
  /** The config's params without the seed. */
  params: JsonObject;
  seeds: number[];
  values: number[];
  trials: number;
  failed: number;
}

export interface ConfigVerdictRow {
  runId: string;
  originId: string;
  groupHash: string;
  params: JsonObject;
  metric: string;
  verdict: string;
  original: JsonObject;
  reproduced: JsonObject | null;
  delta: number | null;
  createdAt: Date;
}

/** Domain shapes that leave libs/db; they are also the JSON the API serves. */

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TrialStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const TRIAL_STATUSES: readonly TrialStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export const TERMINAL_TRIAL_STATUSES: readonly TrialStatus[] = ['succeeded', 'failed', 'cancelled'];

export type JsonObject = { [key: string]: unknown };
export type Metrics = Record<string, number>;

export interface TrialCounts {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
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
  createdAt: Date;
  finishedAt: Date | null;
  trialCount: number;
  counts: TrialCounts;
  metric: string;
  maximize: boolean;
  best: BestTrial | null;
}

export interface SweepWithSpec extends Sweep {
  spec: JsonObject;
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
}

export interface NewSweep {
  id: string;
  name: string;
  spec: JsonObject;
  specSource: string;
  metric: string;
  maximize: boolean;
  trials: NewTrial[];
}

/** What a finished attempt reports. */
export interface TrialOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  metrics: Metrics | null;
  trainableParams: number | null;
  effectiveParams: number | null;
  adapter: JsonObject | null;
  error: string | null;
  logTail: string | null;
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

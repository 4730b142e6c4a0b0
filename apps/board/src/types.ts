/** The JSON shapes the board reads from the API (dates arrive as ISO strings). */

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TrialStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const TRIAL_STATUSES: TrialStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Metrics = Record<string, number>;

export interface TrialCounts {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface Sweep {
  id: string;
  name: string;
  status: SweepStatus;
  createdAt: string;
  finishedAt: string | null;
  trialCount: number;
  counts: TrialCounts;
  metric: string;
  maximize: boolean;
  best: { trialId: string; value: number; params: JsonObject } | null;
}

export interface ScheduleRef {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  paused: boolean;
  role: 'run' | 'source';
}

export interface OverviewSweep extends Sweep {
  schedules: ScheduleRef[];
}

export interface Trial {
  id: string;
  sweepId: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  seed: number;
  attempts: number;
  trainerId: string | null;
  metrics: Metrics | null;
  trainableParams: number | null;
  effectiveParams: number | null;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface TrialDetail extends Trial {
  adapter: Json;
  logTail: string | null;
  curve: { step: number; metrics: Metrics }[];
  attemptHistory: { attempt: number; trainerId: string | null; startedAt: string; finishedAt: string | null; outcome: string | null; error: string | null }[];
}

export interface TrialPage {
  total: number;
  items: Trial[];
}

export interface FacetValue {
  value: string | null;
  count: number;
}

export interface ParamFacet {
  path: string;
  distinct: number;
  values: FacetValue[];
  numeric: { min: number; max: number } | null;
}

export interface Facets {
  metric: string;
  maximize: boolean;
  metrics: string[];
  curveMetrics: string[];
  params: ParamFacet[];
}

export type Ci95 = [number, number] | null;

export interface Pooled {
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  configs: number;
  ci95: Ci95;
}

export interface GridCell extends Pooled {
  x: string | null;
  y: string | null;
}

export interface Aggregate {
  metric: string;
  maximize: boolean;
  /** null: no parameter of the sweep varies. */
  x: string | null;
  y: string | null;
  cells: GridCell[];
}

export type ScatterPoint = [number, number, string] | [number, number, number];

export interface Scatter {
  column: 'trainable' | 'effective';
  total: number;
  zeroCount: number;
  binned: boolean;
  points: ScatterPoint[];
  front: { x: number; y: number; trialId: string; ordinal: number; params: JsonObject }[];
}

export interface Pareto {
  metric: string;
  maximize: boolean;
  trainable: Scatter;
  effective: Scatter;
}

export interface SeriesLine {
  label: string;
  config: Record<string, string | null>;
  best: number;
  points: (Pooled & { x: string | null })[];
}

export interface Series {
  metric: string;
  maximize: boolean;
  x: string | null;
  present: boolean;
  configs: number;
  lines: SeriesLine[];
}

export interface RankedConfig extends Pooled {
  groupHash: string;
  label: string;
  config: Record<string, string | null>;
  trials: { trialId: string; seed: number; value: number }[];
}

export interface Replicates {
  metric: string;
  maximize: boolean;
  total: number;
  items: RankedConfig[];
}

export interface TrialCurve {
  trialId: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  metrics: Metrics | null;
  stored: number;
  points: { step: number; metrics: Metrics }[];
}

export interface Curves {
  chosen: 'given' | 'best';
  trials: TrialCurve[];
}

export interface TrainerNode {
  id: string;
  address: string;
  device: string;
  slots: number;
  running: number;
  busy: number;
  alive: boolean;
  heartbeatAgeMs: number;
  backends: string[];
  models: string[];
  version: string;
}

/** A server-sent event of GET /sweeps/:id/events. */
export type SweepEvent = { type: 'trial'; trial: Trial } | { type: 'sweep'; sweep: Sweep } | { type: 'ping' };

/** The JSON shapes the board reads from the API (dates arrive as ISO strings). */

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
/** `stopped`: ended early by the search (ASHA at a rung); its metrics hold the rung's value. */
export type TrialStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'stopped';
export const TRIAL_STATUSES: TrialStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'stopped'];
export const TERMINAL_TRIAL_STATUSES: ReadonlySet<string> = new Set<TrialStatus>(['succeeded', 'failed', 'cancelled', 'stopped']);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Metrics = Record<string, number>;

export interface TrialCounts {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  stopped: number;
}

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
  /** Set when an identical earlier trial's result was linked instead of training again (result reuse). */
  reusedFromTrialId?: string | null;
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

/** POST /trials/:id/try: base and adapted greedy completions, side by side. */
export interface TryResult {
  trialId: string;
  completions: { prompt: string; base: string; adapted: string }[];
  maxNewTokens: number;
  node: { id: string; modelCacheHit: boolean; sessionCacheHit: boolean };
  timing: { seconds: number; trainerSeconds: number; generateSeconds: number };
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

/** A metric over one config's seed replicates. */
export interface ReplicateSummary {
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  ci95: Ci95;
}

/** GET /sweeps/:id/configs items: a config (trials differing only in seed), its replicates summarised. */
export interface ConfigSummary {
  groupHash: string;
  params: JsonObject;
  /** `path=value` of what tells it apart from the sweep's other configs. */
  label: string;
  config: Record<string, string | null>;
  trials: number;
  failed: number;
  seeds: number[];
  /** null: no replicate has the metric (yet). */
  summary: ReplicateSummary | null;
  /** With ?values=true. */
  values?: { trialId: string; seed: number; value: number }[];
}

/** GET /sweeps/:id/configs: configs ranked by mean, those with a result (`withResult`) first. */
export interface ConfigPage {
  metric: string;
  maximize: boolean;
  total: number;
  withResult: number;
  offset: number;
  items: ConfigSummary[];
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

/** Whether a config (or a whole run) held when its sweep was run again. */
export type Verdict = 'reproduced' | 'drifted' | 'failed';

/** A sweep as GET /sweeps and /sweeps/:id serve it: a reproduction run names its origin and schedule. */
export interface SweepRun extends Sweep {
  originId: string | null;
  scheduleId: string | null;
  /** The run's verdict once judged; null for original sweeps and runs still going. */
  verdict: Verdict | null;
}

/** GET /schedules items: a sweep re-run on a cron, with its next tick and newest run. */
export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  sourceSweepId: string | null;
  mode: 'full' | 'top-k';
  topK: number | null;
  /** Largest |Δ mean| a config may move and still count as reproduced. */
  tolerance: number;
  extraSeeds: number;
  webhookUrl: string | null;
  paused: boolean;
  createdAt: string;
  lastFiredAt: string | null;
  nextRunAt: string | null;
  origin: { id: string; name: string } | null;
  lastRun: SweepRun | null;
}

/** Seed replicates of one config on one side of a comparison (std and CI null with one seed). */
export interface ReplicateSide {
  mean?: number;
  std?: number | null;
  n?: number;
  ci95?: [number | null, number | null];
  seeds: number[];
}

/** GET /sweeps/:id/verdicts items: one config's verdict in one reproduction run. */
export interface ConfigVerdict {
  runId: string;
  originId: string;
  groupHash: string;
  params: JsonObject;
  metric: string;
  verdict: Verdict;
  original: ReplicateSide;
  reproduced: ReplicateSide | null;
  /** reproduced mean − original mean. */
  delta: number | null;
  createdAt: string;
}

/** A server-sent event of GET /sweeps/:id/events. */
export type SweepEvent = { type: 'trial'; trial: Trial } | { type: 'sweep'; sweep: Sweep } | { type: 'ping' };

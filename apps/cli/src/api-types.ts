/**
 * Wire types of the tinysweep HTTP API, as the CLI sees them.
 *
 * These mirror the contract apps/api serves (JSON over HTTP, timestamps as ISO-8601 strings). They are
 * declared here rather than imported from the API so the CLI stays a thin HTTP client with no Nest or
 * Prisma in its dependency graph.
 */

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
/** `stopped`: ended early by the search (ASHA at a rung) — neither a failure nor a cancellation. */
export type TrialStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'stopped';

export const SWEEP_STATUSES: readonly SweepStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const TRIAL_STATUSES: readonly TrialStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'stopped'];
export const TERMINAL_SWEEP_STATUSES: readonly SweepStatus[] = ['completed', 'failed', 'cancelled'];

/** Number of trials of a sweep in each status (`stopped` is absent from APIs before adaptive search). */
export type TrialCounts = Record<Exclude<TrialStatus, 'stopped'>, number> & { stopped?: number };

export interface BestTrial {
  trialId: string;
  value: number;
  params: Record<string, unknown>;
}

export interface SweepSummary {
  id: string;
  name: string;
  status: SweepStatus;
  createdAt: string;
  finishedAt: string | null;
  trialCount: number;
  counts: TrialCounts;
  /** Name of the metric the sweep optimises, e.g. `score`. */
  metric: string;
  maximize: boolean;
  best: BestTrial | null;
  /** Reproduction runs: the sweep reproduced, and the verdict once judged. */
  originId?: string | null;
  verdict?: string | null;
}

/** Body of `POST /schedules`. */
export interface ScheduleInput {
  sweepId?: string;
  spec?: Record<string, unknown>;
  name?: string;
  cron: string;
  timeZone?: string;
  mode?: 'full' | 'top-k';
  topK?: number;
  tolerance?: number;
  extraSeeds?: number;
  webhookUrl?: string;
}

export interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  sourceSweepId: string | null;
  mode: 'full' | 'top-k';
  topK: number | null;
  tolerance: number;
  extraSeeds: number;
  webhookUrl: string | null;
  paused: boolean;
  lastFiredAt: string | null;
  nextRunAt: string | null;
}

export interface SweepDetail extends SweepSummary {
  spec: Record<string, unknown>;
}

/** Response of `POST /sweeps`. */
export interface SubmitSweepResult {
  id: string;
  name: string;
  status: SweepStatus;
  trialCount: number;
  duplicatesCollapsed: number;
}

export interface TrialView {
  id: string;
  ordinal: number;
  status: TrialStatus;
  params: Record<string, unknown>;
  seed: number;
  configHash: string;
  groupHash: string;
  attempts: number;
  trainerId: string | null;
  metrics: Record<string, number> | null;
  trainableParams: number | null;
  effectiveParams: number | null;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The earlier trial whose result this one reuses (not trained again). */
  reusedFromTrialId?: string | null;
  /** The training it shares with trials that differ only in prune. */
  trainingId?: string | null;
}

export interface CurvePoint {
  step: number;
  metrics: Record<string, number>;
}

export interface TrialDetail extends TrialView {
  adapter: Record<string, unknown> | null;
  logTail: string | null;
  curve: CurvePoint[];
}

export interface TrialPage {
  total: number;
  items: TrialView[];
}

/** Fixed sort keys of `GET /sweeps/:id/trials`; any `metrics.<name>` is accepted too. */
export const TRIAL_SORT_KEYS = ['ordinal', 'status', 'startedAt', 'finishedAt', 'trainableParams', 'effectiveParams'] as const;
export type TrialSortKey = (typeof TRIAL_SORT_KEYS)[number] | `metrics.${string}`;
export type SortOrder = 'asc' | 'desc';

export interface TrialQuery {
  offset?: number;
  limit?: number;
  sort?: TrialSortKey;
  order?: SortOrder;
  status?: TrialStatus;
}

export interface TrainerNodeView {
  id: string;
  address: string;
  device: string;
  slots: number;
  busy: number;
  backends: string[];
  models: string[];
  version: string;
  lastHeartbeatAt: string;
  heartbeatAgeMs: number;
  alive: boolean;
}

/** One `data:` payload of `GET /sweeps/:id/events`. */
export type SweepEvent = { type: 'trial'; trial: TrialView } | { type: 'sweep'; sweep: SweepSummary };

/** Returns true for the sort keys the API accepts. */
export function isTrialSortKey(key: string): key is TrialSortKey {
  return (TRIAL_SORT_KEYS as readonly string[]).includes(key) || /^metrics\.[^\s]+$/.test(key);
}

export function isTerminalSweepStatus(status: SweepStatus): boolean {
  return TERMINAL_SWEEP_STATUSES.includes(status);
}

/** `GET /sweeps/:id/configs` items: seeds as replicates (the board's replicate plot reads the same). */
export interface ConfigSummaryView {
  groupHash: string;
  params: Record<string, unknown>;
  /** `path=value` of the parameters that tell this config apart from the sweep's others. */
  label: string;
  config: Record<string, string | null>;
  seeds: number[];
  trials: number;
  failed: number;
  /** Over the replicates with the metric; std and ci95 null with one replicate; null with none. */
  summary: { mean: number; std: number | null; n: number; min: number; max: number; ci95: [number, number] | null } | null;
  values?: { trialId: string; seed: number; value: number }[];
}

/** `GET /sweeps/:id/configs`: configs ranked by mean (those without a result last), a page at a time. */
export interface ConfigPageView {
  metric: string;
  maximize: boolean;
  total: number;
  withResult: number;
  offset: number;
  items: ConfigSummaryView[];
}

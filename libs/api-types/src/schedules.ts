import type { JsonObject } from './json.js';
import type { Sweep } from './sweeps.js';
import type { Verdict } from './status.js';

/** Body of `POST /schedules`: exactly one of `sweepId` (reproduce that sweep) or `spec` (run it, then reproduce its first run). */
export interface ScheduleInput {
  sweepId?: string;
  spec?: Record<string, unknown>;
  name?: string;
  cron: string;
  /** @defaultValue 'UTC' */
  timeZone?: string;
  /** @defaultValue 'full' */
  mode?: 'full' | 'top-k';
  /** Required when mode is 'top-k'. */
  topK?: number;
  /** @defaultValue 0.02 */
  tolerance?: number;
  /** @defaultValue 0 */
  extraSeeds?: number;
  webhookUrl?: string;
}

/** `GET /schedules` items (and what `POST /schedules`, pause and resume answer): a sweep re-run on a cron, with its next tick and newest run. */
export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  /** The sweep to reproduce, or null when the schedule carries its own spec. */
  sourceSweepId: string | null;
  spec: JsonObject | null;
  mode: 'full' | 'top-k';
  topK: number | null;
  /** Largest |Δ mean| a config may move and still count as reproduced. */
  tolerance: number;
  extraSeeds: number;
  webhookUrl: string | null;
  paused: boolean;
  createdAt: string;
  lastFiredAt: string | null;
  /** Next tick; null when paused. */
  nextRunAt: string | null;
  /** The sweep it reproduces; null until a schedule with a spec of its own has first fired. */
  origin: { id: string; name: string } | null;
  /** Its newest run (verdict null until judged), so a list of schedules shows drift in one request. */
  lastRun: Sweep | null;
}

/** Seed replicates of one config on one side of a comparison (std and CI null with one seed). */
export interface ReplicateSide {
  mean?: number;
  std?: number | null;
  n?: number;
  ci95?: [number | null, number | null];
  seeds: number[];
}

/** `GET /sweeps/:id/verdicts` items: one config's verdict in one reproduction run. */
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

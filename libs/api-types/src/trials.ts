import type { JsonObject, Metrics } from './json.js';
import type { TrialStatus } from './status.js';

/** A trial as `GET /sweeps/:id/trials` pages and the `trial` events of a sweep's stream serve it. */
export interface Trial {
  id: string;
  sweepId: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  seed: number;
  configHash: string;
  /** Shared by the trials of one config (those differing only in seed). */
  groupHash: string;
  attempts: number;
  trainerId: string | null;
  metrics: Metrics | null;
  trainableParams: number | null;
  effectiveParams: number | null;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set when an identical earlier trial's result was linked instead of training again (result reuse). */
  reusedFromTrialId: string | null;
  /** The training it shares with trials that differ only in prune. */
  trainingId: string | null;
}

export interface CurvePoint {
  step: number;
  metrics: Metrics;
}

/** One attempt of a trial (each retry is another). */
export interface TrialAttempt {
  attempt: number;
  trainerId: string | null;
  startedAt: string;
  finishedAt: string | null;
  outcome: string | null;
  error: string | null;
}

/** `GET /trials/:id`: the trial with its learning curve, adapter, log tail and attempt history. */
export interface TrialDetail extends Trial {
  adapter: JsonObject | null;
  logTail: string | null;
  curve: CurvePoint[];
  attemptHistory: TrialAttempt[];
}

/** `GET /sweeps/:id/trials`: one page of trials and how many match in all. */
export interface TrialPage {
  total: number;
  items: Trial[];
}

/** POST /trials/:id/try: base and adapted greedy completions, side by side. */
export interface TryResult {
  trialId: string;
  /** One per prompt, in order: the base model's and the adapted model's greedy continuation. */
  completions: { prompt: string; base: string; adapted: string }[];
  maxNewTokens: number;
  /** The trainer that generated, and what it had cached. */
  node: { id: string; modelCacheHit: boolean; sessionCacheHit: boolean };
  /** Seconds: the whole request, the trainer's share, and the batched decoding alone. */
  timing: { seconds: number; trainerSeconds: number; generateSeconds: number };
}

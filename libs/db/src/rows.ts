import type { JsonObject, Metrics, Trial, TrialStatus } from './domain.js';

/** A `trial` row as raw SQL returns it (snake_case columns). */
export interface TrialRow {
  id: string;
  sweep_id: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  seed: number;
  config_hash: string;
  group_hash: string;
  attempts: number;
  trainer_id: string | null;
  metrics: Metrics | null;
  trainable_params: number | null;
  effective_params: number | null;
  error: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  reused_from_trial_id: string | null;
  training_id: string | null;
}

/**
 * Columns selected for a Trial; keep in step with TrialRow. The BIGINT counts are read as float8 (a
 * JS number; the dispatcher stores whole numbers below 2^53 only, which float8 holds exactly).
 */
export const TRIAL_COLUMNS =
  'id, sweep_id, ordinal, status, params, seed, config_hash, group_hash, attempts, trainer_id, metrics, ' +
  'trainable_params::float8 AS trainable_params, effective_params::float8 AS effective_params, error, queued_at, started_at, ' +
  'finished_at, reused_from_trial_id, training_id';

export function trialFromRow(r: TrialRow): Trial {
  return {
    id: r.id,
    sweepId: r.sweep_id,
    ordinal: r.ordinal,
    status: r.status,
    params: r.params,
    seed: r.seed,
    configHash: r.config_hash,
    groupHash: r.group_hash,
    attempts: r.attempts,
    trainerId: r.trainer_id,
    metrics: r.metrics,
    trainableParams: r.trainable_params,
    effectiveParams: r.effective_params,
    error: r.error,
    queuedAt: new Date(r.queued_at),
    startedAt: r.started_at ? new Date(r.started_at) : null,
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    reusedFromTrialId: r.reused_from_trial_id ?? null,
    trainingId: r.training_id ?? null,
  };
}

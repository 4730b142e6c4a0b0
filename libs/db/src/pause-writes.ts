/**
 * The writes of ASHA's pausing (SearchRepository.resolvePauses), inside its transaction under the
 * sweep's lock: a run reaching a rung pauses or stops there, a paused one is promoted or stopped —
 * a run being a trial that trains itself, or a shared training with all its waiting trials.
 */
import type { PoolClient } from 'pg';
import type { Metrics } from './domain.js';
import { lockTrialsWhere } from './lock-order.js';
import type { PauseDecision } from './search-repository.js';
import { storableJson, storableText } from './storable.js';

/** A trial reaching a rung pauses there (its attempt closed as `paused`, uncharged), or stops with `error`. */
export async function pauseTrial(client: PoolClient, trialId: string, attempt: number, metrics: Metrics, error: string | undefined): Promise<void> {
  await client.query(
    error !== undefined
      ? `UPDATE trial SET status = 'stopped', result_attempt = $2, metrics = $3::jsonb, error = $4, finished_at = now() WHERE id = $1::uuid AND attempts = $2 AND status = 'running' AND result_attempt IS NULL`
      : `UPDATE trial SET status = 'paused', metrics = $3::jsonb WHERE id = $1::uuid AND attempts = $2 AND status = 'running' AND result_attempt IS NULL`,
    [trialId, attempt, JSON.stringify(storableJson(metrics)), ...(error !== undefined ? [storableText(error)] : [])],
  );
  await client.query(`UPDATE trial_attempt SET finished_at = now(), outcome = $3 WHERE trial_id = $1::uuid AND attempt = $2`, [trialId, attempt, error !== undefined ? 'stopped' : 'paused']);
}

/**
 * A shared training reaching a rung pauses there with its waiting trials (they keep the rung's
 * metrics meanwhile), or — with `error` — stops, and so do they, as TrainingRepository.end stops
 * one. Returns the trials stopped.
 */
export async function pauseTraining(client: PoolClient, trainingId: string, attempt: number, metrics: Metrics, error: string | undefined): Promise<string[]> {
  const { rowCount } = await client.query(
    error !== undefined
      ? `UPDATE trial_training SET status = 'stopped', error = $3, finished_at = now() WHERE id = $1::uuid AND attempts = $2 AND status = 'running'`
      : `UPDATE trial_training SET status = 'paused' WHERE id = $1::uuid AND attempts = $2 AND status = 'running'`,
    [trainingId, attempt, ...(error !== undefined ? [storableText(error)] : [])],
  );
  if (!rowCount) return [];
  const { rows } = await client.query<{ id: string }>(
    error !== undefined
      ? `UPDATE trial SET status = 'stopped', result_attempt = attempts, metrics = $2::jsonb, error = $3, finished_at = now()
           FROM (${lockTrialsWhere(`training_id = $1::uuid AND status IN ('queued', 'running') AND result_attempt IS NULL`)}) l
          WHERE trial.id = l.id RETURNING trial.id`
      : `UPDATE trial SET status = 'paused', metrics = $2::jsonb
           FROM (${lockTrialsWhere(`training_id = $1::uuid AND status IN ('queued', 'running') AND result_attempt IS NULL`)}) l
          WHERE trial.id = l.id RETURNING trial.id`,
    [trainingId, JSON.stringify(storableJson(metrics)), ...(error !== undefined ? [storableText(`shared training: ${error}`)] : [])],
  );
  return error !== undefined ? rows.map((r) => r.id) : [];
}

/** A paused training promoted: queued again with its trials, on its next segment (new job ids). */
export async function promoteTraining(client: PoolClient, trainingId: string): Promise<{ id: string; segment: number } | undefined> {
  const { rows } = await client.query<{ segment: number }>(
    `UPDATE trial_training SET status = 'queued', segment = segment + 1 WHERE id = $1::uuid AND status = 'paused' RETURNING segment`,
    [trainingId],
  );
  if (!rows[0]) return undefined;
  await client.query(
    `UPDATE trial SET status = 'queued', queued_at = now() FROM (${lockTrialsWhere(`training_id = $1::uuid AND status = 'paused'`)}) l WHERE trial.id = l.id`,
    [trainingId],
  );
  return { id: trainingId, segment: rows[0].segment };
}

/** A paused trial — or a paused training and its trials — stopped for good at its rung. Returns the trials stopped. */
export async function stopPaused(client: PoolClient, x: PauseDecision['stop'][number], trainingId: string | null): Promise<string[]> {
  const set = `status = 'stopped', result_attempt = attempts, error = $2, finished_at = now(),
               metrics = coalesce(metrics, '{}'::jsonb) || jsonb_build_object('asha_rung', $3::int)
                 || CASE WHEN $4::float8 IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('asha_cutoff', $4::float8) END`;
  if (trainingId === null) {
    const { rowCount } = await client.query(`UPDATE trial SET ${set} WHERE id = $1::uuid AND status = 'paused'`, [x.id, storableText(x.error), x.rung, x.cutoff ?? null]);
    return rowCount ? [x.id] : [];
  }
  const { rowCount } = await client.query(`UPDATE trial_training SET status = 'stopped', error = $2, finished_at = now() WHERE id = $1::uuid AND status = 'paused'`, [trainingId, storableText(x.error)]);
  if (!rowCount) return [];
  const { rows } = await client.query<{ id: string }>(
    // (a trial a sweep's extension added to the paused training meanwhile waits `queued`: it stops too)
    `UPDATE trial SET ${set} FROM (${lockTrialsWhere(`training_id = $1::uuid AND status IN ('queued', 'running', 'paused') AND result_attempt IS NULL`)}) l WHERE trial.id = l.id RETURNING trial.id`,
    [trainingId, storableText(`shared training: ${x.error}`), x.rung, x.cutoff ?? null],
  );
  return rows.map((r) => r.id);
}

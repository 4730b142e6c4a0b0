import type { Database } from './database.js';
import type { JsonObject, Metrics, TrialStatus } from './domain.js';
import { lockTrialsWhere } from './lock-order.js';
import { storableCount, storableJson, storableText } from './storable.js';

/** A training shared by the trials of a sweep that differ only in prune. */
export interface Training {
  id: string;
  sweepId: string;
  trainHash: string;
  /** What is trained: the trials' params without prune. */
  params: JsonObject;
  status: TrialStatus;
  attempts: number;
  /** Promotions from an ASHA pause so far: the current jobs' ids carry it (libs/queue trainJobId). */
  segment: number;
  trainerId: string | null;
  /** The trained, unpruned adapter file. */
  adapter: JsonObject | null;
  metrics: Metrics | null;
  trainableParams: number | null;
  environment: JsonObject | null;
  error: string | null;
}

/** A trial waiting for a training, as the training job sees it. */
export interface TrainingTrial {
  id: string;
  sweepId: string;
  configHash: string;
  attempts: number;
}

/** What a succeeded training stores. */
export interface TrainingResult {
  adapter: JsonObject;
  metrics: Metrics | null;
  trainableParams: number | null;
  environment: JsonObject | null;
}

const COLUMNS = `id, sweep_id AS "sweepId", train_hash AS "trainHash", params, status, attempts, segment, trainer_id AS "trainerId",
  adapter, metrics, trainable_params::float8 AS "trainableParams", environment, error`;

/**
 * Shared trainings (trial_training): the training job starts, finishes or fails one; its trials wait
 * in `queued` meanwhile. State changes are single guarded statements like TrialRepository's, so two
 * dispatchers running the same training job record one result.
 */
export class TrainingRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
  }

  async get(id: string): Promise<Training | null> {
    const { rows } = await this.pool.query<Training>(`SELECT ${COLUMNS} FROM trial_training WHERE id = $1::uuid`, [id]);
    return rows[0] ?? null;
  }

  /** The training's trials still queued or running. */
  async openTrials(id: string): Promise<TrainingTrial[]> {
    const { rows } = await this.pool.query<TrainingTrial>(
      `SELECT id, sweep_id AS "sweepId", config_hash AS "configHash", attempts FROM trial
        WHERE training_id = $1::uuid AND status IN ('queued', 'running') ORDER BY ordinal`,
      [id],
    );
    return rows;
  }

  /**
   * Starts the next attempt of the training's segment; null when the training is finished
   * (succeeded, failed, cancelled, stopped), paused, or on a later segment (a stale job).
   */
  async start(id: string, trainerId: string, segment = 0): Promise<{ attempt: number; params: JsonObject } | null> {
    const { rows } = await this.pool.query<{ attempt: number; params: JsonObject }>(
      `UPDATE trial_training SET status = 'running', attempts = attempts + 1, trainer_id = $2, started_at = now()
        WHERE id = $1::uuid AND status IN ('queued', 'running') AND segment = $3 RETURNING attempts AS attempt, params`,
      [id, trainerId, segment],
    );
    return rows[0] ?? null;
  }

  /** Stores the trained adapter; false when the training already ended (another attempt won). */
  async succeed(id: string, attempt: number, r: TrainingResult): Promise<boolean> {
    const n = await this.pool.query(
      `UPDATE trial_training SET status = 'succeeded', adapter = $3::jsonb, metrics = $4::jsonb, trainable_params = $5,
              environment = $6::jsonb, error = NULL, finished_at = now()
        WHERE id = $1::uuid AND attempts = $2 AND status IN ('queued', 'running')`,
      [
        id,
        attempt,
        JSON.stringify(storableJson(r.adapter)),
        r.metrics ? JSON.stringify(storableJson(r.metrics)) : null,
        storableCount(r.trainableParams) ?? null,
        r.environment ? JSON.stringify(storableJson(r.environment)) : null,
      ],
    );
    return (n.rowCount ?? 0) > 0;
  }

  /** An attempt that will be retried: back to queued, the error kept. */
  async retrying(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE trial_training SET status = 'queued', error = $2 WHERE id = $1::uuid AND status = 'running'`, [id, storableText(error)]);
  }

  /**
   * The training failed for good, was cancelled, or was stopped by ASHA at a rung: so do its open
   * trials, with the reason (and, stopped, the rung's metrics, as a trial ASHA stops keeps them).
   * Returns the sweeps whose trials changed. With `segment`, only a training still on that segment
   * ends (a job of an earlier one, failing late, leaves the promoted training alone).
   */
  async end(id: string, status: 'failed' | 'cancelled' | 'stopped', error: string, metrics?: Metrics, segment?: number): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(
        `UPDATE trial_training SET status = $2::"TrialStatus", error = $3, finished_at = now()
          WHERE id = $1::uuid AND status IN ('queued', 'running') AND ($4::int IS NULL OR segment = $4)`,
        [id, status, storableText(error), segment ?? null],
      );
      if (segment !== undefined && !rowCount) {
        await client.query('ROLLBACK');
        return [];
      }
      const { rows } = await client.query<{ sweepId: string }>(
        `UPDATE trial SET status = $2::"TrialStatus", error = $3, result_attempt = attempts, finished_at = now(), metrics = coalesce($4::jsonb, metrics)
           FROM (${lockTrialsWhere(`training_id = $1::uuid AND status IN ('queued', 'running') AND result_attempt IS NULL`)}) l
          WHERE trial.id = l.id AND status IN ('queued', 'running') AND result_attempt IS NULL
          RETURNING sweep_id AS "sweepId"`,
        [id, status, storableText(`shared training: ${error}`), metrics ? JSON.stringify(storableJson(metrics)) : null],
      );
      await client.query('COMMIT');
      return [...new Set(rows.map((r) => r.sweepId))];
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Queued and running trainings, for the reconciler (keyset on id), with the segment their jobs
   * belong to. Paused ones are not: only a promotion (SearchRepository.resolvePauses) runs them on.
   */
  async open(afterId: string | null, limit = 5000): Promise<Array<{ id: string; sweepId: string; attempts: number; segment: number }>> {
    const { rows } = await this.pool.query<{ id: string; sweepId: string; attempts: number; segment: number }>(
      `SELECT id, sweep_id AS "sweepId", attempts, segment FROM trial_training
        WHERE status IN ('queued', 'running') ${afterId ? 'AND id > $2::uuid' : ''} ORDER BY id LIMIT $1`,
      afterId ? [limit, afterId] : [limit],
    );
    return rows;
  }
}

import type { Database } from './database.js';

/** A run's saved state: what its next attempt continues from. */
export interface SavedCheckpoint {
  /** The trial's id, or the shared training's. */
  runId: string;
  sweepId: string;
  /** Taken after this step. */
  step: number;
  /** The attempt that sent it (its curve holds the steps up to `step`). */
  attempt: number;
  /** The backend's state as it wrote it (JSON text). */
  state: string;
}

/**
 * Checkpoints of running trials and shared trainings (resumable trials): the latest one per run.
 * A checkpoint only ever replaces one of an earlier step, so an attempt that lags behind (a trainer
 * cut off and still running, a stream replayed) cannot set a run back.
 */
export class CheckpointRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
  }

  /** Saves `c` unless the run has one of the same or a later step; returns whether it did. */
  async save(c: SavedCheckpoint): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO checkpoint (run_id, sweep_id, step, attempt, state) VALUES ($1::uuid, $2::uuid, $3, $4, $5)
       ON CONFLICT (run_id) DO UPDATE SET step = EXCLUDED.step, attempt = EXCLUDED.attempt, state = EXCLUDED.state, saved_at = now()
        WHERE checkpoint.step < EXCLUDED.step`,
      [c.runId, c.sweepId, c.step, c.attempt, c.state],
    );
    return (rowCount ?? 0) > 0;
  }

  /** The run's latest checkpoint, if any. */
  async latest(runId: string): Promise<SavedCheckpoint | null> {
    const { rows } = await this.pool.query<SavedCheckpoint>(
      `SELECT run_id AS "runId", sweep_id AS "sweepId", step::float8 AS step, attempt, state FROM checkpoint WHERE run_id = $1::uuid`,
      [runId],
    );
    return rows[0] ?? null;
  }

  /** Forgets a run's checkpoint: it finished, or it is to run again from the start (a retry by hand). */
  async discard(runId: string): Promise<void> {
    await this.pool.query(`DELETE FROM checkpoint WHERE run_id = $1::uuid`, [runId]);
  }
}

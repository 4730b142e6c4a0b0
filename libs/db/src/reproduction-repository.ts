import type { Database } from './database.js';
import type { ConfigValues, ConfigVerdictRow, JsonObject } from './domain.js';

/** A reproduction run that finished and has no verdict yet. */
export interface PendingReproduction {
  runId: string;
  originId: string;
  scheduleId: string | null;
  metric: string;
}

export interface NewConfigVerdict {
  groupHash: string;
  params: JsonObject;
  verdict: string;
  original: JsonObject;
  reproduced: JsonObject | null;
  delta: number | null;
}

/**
 * Seeds as replicates, and reproduction verdicts. Replicate values are gathered in SQL (one row per
 * config); the statistics are done by the caller (@tinysweep/stats), so this stays storage only.
 */
export class ReproductionRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
  }

  /** Per config (group hash): the metric of every succeeded replicate, and how many failed. */
  async configValues(sweepId: string, metric: string): Promise<ConfigValues[]> {
    const { rows } = await this.pool.query<ConfigValues & { trials: string; failed: string }>(
      `SELECT group_hash AS "groupHash",
              (array_agg(params ORDER BY ordinal))[1] - 'seed' AS params,
              coalesce(array_agg(seed ORDER BY seed) FILTER (WHERE ok), '{}') AS seeds,
              coalesce(array_agg((metrics->>$2)::float8 ORDER BY seed) FILTER (WHERE ok), '{}') AS values,
              count(*) AS trials,
              count(*) FILTER (WHERE status = 'failed') AS failed
         FROM (SELECT *, status = 'succeeded' AND jsonb_typeof(metrics->$2) = 'number' AS ok FROM trial WHERE sweep_id = $1) t
        GROUP BY group_hash
        ORDER BY min(ordinal)`,
      [sweepId, metric],
    );
    return rows.map((r) => ({ ...r, trials: Number(r.trials), failed: Number(r.failed) }));
  }

  /** Finished reproduction runs still waiting for their verdict (oldest first). */
  async pending(limit = 20): Promise<PendingReproduction[]> {
    const { rows } = await this.pool.query<PendingReproduction>(
      `SELECT id AS "runId", origin_sweep_id AS "originId", schedule_id AS "scheduleId", metric FROM sweep
        WHERE origin_sweep_id IS NOT NULL AND verdict IS NULL AND status IN ('completed', 'failed', 'cancelled')
        ORDER BY finished_at LIMIT $1`,
      [limit],
    );
    return rows;
  }

  /** The distinct environments the trials of a sweep reported. */
  async environments(sweepId: string): Promise<JsonObject[]> {
    const { rows } = await this.pool.query<{ environment: JsonObject }>(
      `SELECT DISTINCT environment FROM trial WHERE sweep_id = $1 AND environment IS NOT NULL`,
      [sweepId],
    );
    return rows.map((r) => r.environment);
  }

  /**
   * Records a run's config verdicts and its own verdict, once: when several API replicas race, the
   * first UPDATE … WHERE verdict IS NULL wins and the others roll back. Returns whether this call won.
   */
  async record(run: PendingReproduction, configs: NewConfigVerdict[], verdict: string, environment: JsonObject): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const won = await client.query(
        `UPDATE sweep SET verdict = $2, verdict_at = now(), environment = $3 WHERE id = $1 AND verdict IS NULL`,
        [run.runId, verdict, JSON.stringify(environment)],
      );
      if (won.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      for (const c of configs) {
        await client.query(
          `INSERT INTO config_verdict (id, run_sweep_id, origin_sweep_id, group_hash, params, metric, verdict, original, reproduced, delta)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [run.runId, run.originId, c.groupHash, JSON.stringify(c.params), run.metric, c.verdict, JSON.stringify(c.original), c.reproduced === null ? null : JSON.stringify(c.reproduced), c.delta],
        );
      }
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Config verdicts of one run, or the history of every run of an origin sweep (newest first). */
  async verdicts(where: { runId?: string; originId?: string; groupHash?: string }): Promise<ConfigVerdictRow[]> {
    const args: unknown[] = [];
    const conds: string[] = [];
    if (where.runId) conds.push(`run_sweep_id = $${args.push(where.runId)}`);
    if (where.originId) conds.push(`origin_sweep_id = $${args.push(where.originId)}`);
    if (where.groupHash) conds.push(`group_hash = $${args.push(where.groupHash)}`);
    const { rows } = await this.pool.query<ConfigVerdictRow>(
      `SELECT run_sweep_id AS "runId", origin_sweep_id AS "originId", group_hash AS "groupHash", params, metric, verdict,
              original, reproduced, delta, created_at AS "createdAt"
         FROM config_verdict ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
        ORDER BY created_at DESC, group_hash LIMIT 5000`,
      args,
    );
    return rows;
  }
}

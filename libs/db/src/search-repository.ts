import type { Database } from './database.js';
import type { JsonObject, Metrics, NewTrial, TrialStatus } from './domain.js';

/** A value recorded at an ASHA rung. */
export interface RungValue {
  rung: number;
  trialId: string;
  value: number;
}

/** A trial as an adaptive search reads it. */
export interface SearchTrial {
  id: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  seed: number;
  groupHash: string;
  metrics: Metrics | null;
  trainableParams: number | null;
  effectiveParams: number | null;
}

const SEARCH_TRIAL_COLUMNS = `id, ordinal, status, params, seed, group_hash AS "groupHash", metrics,
  trainable_params::float8 AS "trainableParams", effective_params::float8 AS "effectiveParams"`;

/**
 * State of adaptive searches that every dispatcher shares: values at ASHA rungs, and the trials a
 * pareto search adds as it goes.
 */
export class SearchRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
  }

  /**
   * Records a trial's value at a rung (the first value stays: a re-sent step changes nothing) and
   * returns every value recorded at that rung, this one included.
   */
  async recordRung(sweepId: string, rung: number, trialId: string, value: number): Promise<RungValue[]> {
    await this.pool.query(
      `INSERT INTO rung_result (sweep_id, rung, trial_id, value) VALUES ($1::uuid, $2, $3::uuid, $4) ON CONFLICT DO NOTHING`,
      [sweepId, rung, trialId, Number.isFinite(value) ? value : 'NaN'],
    );
    const { rows } = await this.pool.query<RungValue>(
      `SELECT rung, trial_id AS "trialId", value FROM rung_result WHERE sweep_id = $1::uuid AND rung = $2`,
      [sweepId, rung],
    );
    return rows;
  }

  /** Every trial of a sweep, as a search reads it, by ordinal. */
  async trials(sweepId: string): Promise<SearchTrial[]> {
    const { rows } = await this.pool.query<SearchTrial>(`SELECT ${SEARCH_TRIAL_COLUMNS} FROM trial WHERE sweep_id = $1::uuid ORDER BY ordinal`, [sweepId]);
    return rows;
  }

  /** Sweeps whose search is open (pareto) with no trial queued or running: nothing will ask it again. */
  async idleOpenSearches(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM sweep WHERE search_open AND queued_count + running_count = 0`);
    return rows.map((r) => r.id);
  }

  /** Every rung value of a sweep. */
  async rungValues(sweepId: string): Promise<RungValue[]> {
    const { rows } = await this.pool.query<RungValue>(`SELECT rung, trial_id AS "trialId", value FROM rung_result WHERE sweep_id = $1::uuid`, [sweepId]);
    return rows;
  }

  /**
   * Adds trials to a running sweep, under a per-sweep lock so two dispatchers finishing trials at
   * once do not both propose: `propose` sees every trial of the sweep and returns the new ones
   * (ordinals after the last). Configurations already present are skipped; the sweep's trial count
   * and status follow. When it proposes nothing while no trial is open, the sweep's search is closed
   * (`search_open`) and the sweep finishes. Returns the trials inserted.
   */
  async extend(sweepId: string, propose: (trials: SearchTrial[]) => NewTrial[]): Promise<NewTrial[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [sweepId]);
      const { rows: status } = await client.query<{ status: string }>(`SELECT status FROM sweep WHERE id = $1::uuid`, [sweepId]);
      if (!status[0] || status[0].status === 'cancelled') {
        await client.query('ROLLBACK');
        return [];
      }
      const { rows: trials } = await client.query<SearchTrial>(`SELECT ${SEARCH_TRIAL_COLUMNS} FROM trial WHERE sweep_id = $1::uuid ORDER BY ordinal`, [sweepId]);
      const wanted = propose(trials);
      let inserted: NewTrial[] = [];
      if (wanted.length > 0) {
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO trial (id, sweep_id, ordinal, params, seed, config_hash, group_hash)
           SELECT t.id, $1::uuid, t.ordinal, t.params, t.seed, t.config_hash, t.group_hash
             FROM unnest($2::uuid[], $3::int[], $4::jsonb[], $5::bigint[], $6::text[], $7::text[]) AS t(id, ordinal, params, seed, config_hash, group_hash)
           ON CONFLICT (sweep_id, config_hash) DO NOTHING RETURNING id`,
          [
            sweepId,
            wanted.map((t) => t.id),
            wanted.map((t) => t.ordinal),
            wanted.map((t) => JSON.stringify(t.params)),
            wanted.map((t) => t.seed),
            wanted.map((t) => t.configHash),
            wanted.map((t) => t.groupHash),
          ],
        );
        const ids = new Set(rows.map((r) => r.id));
        inserted = wanted.filter((t) => ids.has(t.id));
        // (a trigger on trial has set the status and counts)
        await client.query(`UPDATE sweep SET trial_count = (SELECT count(*) FROM trial WHERE sweep_id = $1::uuid) WHERE id = $1::uuid`, [sweepId]);
      } else {
        // Nothing to propose and nothing in flight: the search is over, and the sweep ends with its trials.
        await client.query(
          `UPDATE sweep SET search_open = false,
                  status = sweep_status(status, queued_count, running_count, succeeded_count, failed_count, cancelled_count, stopped_count, false),
                  finished_at = coalesce(finished_at, now()), updated_at = now()
            WHERE id = $1::uuid AND search_open AND queued_count + running_count = 0`,
          [sweepId],
        );
      }
      await client.query('COMMIT');
      return inserted;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

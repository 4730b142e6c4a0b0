import type { Database } from './database.js';
import type { JsonObject, Metrics, NewTrial, TrialStatus } from './domain.js';
import { lockTrialsWhere } from './lock-order.js';
import { storableJson, storableText } from './storable.js';

/** A value recorded at an ASHA rung. */
export interface RungValue {
  rung: number;
  trialId: string;
  value: number;
}

/** An open trial of an ASHA sweep that pauses, as its promotion rule reads it. */
export interface PauseTrial {
  id: string;
  status: 'queued' | 'running' | 'paused';
  /** Its values by rung. */
  rungs: ReadonlyMap<number, number>;
}

/** A trial reaching a rung, to be paused there unless it can go on at once. */
export interface PausingTrial {
  trialId: string;
  attempt: number;
  rung: number;
  value: number;
  /** What it reported last (kept as its metrics while it waits). */
  metrics: Metrics;
}

/** What the promotion rule decided (see libs/search `promotions`). */
export interface PauseDecision {
  promote: string[];
  /** Paused trials stopped for good, with the error text their result carries. */
  stop: Array<{ id: string; rung: number; cutoff: number | undefined; error: string }>;
}

/** What {@link SearchRepository.resolvePauses} did. */
export interface PauseOutcome {
  /** The pausing trial: `continue` (promoted on arrival: keep running), `paused`, `stopped`, or `gone` (no longer running: cancelled, finished). */
  self?: 'continue' | 'paused' | 'stopped' | 'gone';
  /** Paused trials now queued again (their jobs must be enqueued). */
  promoted: string[];
  /** Paused trials stopped. */
  stopped: string[];
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

  /** Sweeps whose search is open (pareto, tpe) with no trial queued or running: nothing will ask it again. */
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
   * ASHA with pausing, under the sweep's lock (the one {@link extend} takes): records `pausing`'s rung
   * value, hands `decide` every open trial of the sweep with its rung values — the pausing trial as
   * paused at its rung — and every value recorded at the rungs, and applies the answer in the same transaction: promoted paused trials go
   * back to `queued` (the caller enqueues them), stopped ones get their result (`stopped`, the rung
   * and cutoff in their metrics). The pausing trial keeps running if promoted at once, else pauses
   * (its attempt closed as `paused`, uncharged) or stops.
   */
  async resolvePauses(sweepId: string, pausing: PausingTrial | null, decide: (open: PauseTrial[], values: RungValue[]) => PauseDecision): Promise<PauseOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [sweepId]);
      if (pausing) {
        await client.query(`INSERT INTO rung_result (sweep_id, rung, trial_id, value) VALUES ($1::uuid, $2, $3::uuid, $4) ON CONFLICT DO NOTHING`, [
          sweepId,
          pausing.rung,
          pausing.trialId,
          Number.isFinite(pausing.value) ? pausing.value : 'NaN',
        ]);
      }
      const { rows } = await client.query<{ id: string; status: PauseTrial['status']; attempts: number }>(
        `SELECT id, status, attempts FROM trial WHERE sweep_id = $1::uuid AND status IN ('queued', 'running', 'paused') AND result_attempt IS NULL`,
        [sweepId],
      );
      const { rows: values } = await client.query<RungValue>(`SELECT rung, trial_id AS "trialId", value FROM rung_result WHERE sweep_id = $1::uuid`, [sweepId]);
      const byTrial = new Map<string, Map<number, number>>();
      for (const v of values) byTrial.set(v.trialId, (byTrial.get(v.trialId) ?? new Map<number, number>()).set(v.rung, v.value));
      const selfRow = pausing ? rows.find((r) => r.id === pausing.trialId && r.status === 'running' && r.attempts === pausing.attempt) : undefined;
      const open: PauseTrial[] = rows
        .filter((r) => !pausing || r.id !== pausing.trialId || selfRow)
        .map((r) => ({ id: r.id, status: r.id === selfRow?.id ? 'paused' : r.status, rungs: byTrial.get(r.id) ?? new Map() }));
      const decision = decide(open, values);
      const out: PauseOutcome = { promoted: [], stopped: [] };
      const promote = decision.promote.filter((id) => id !== selfRow?.id);
      const stop = decision.stop.filter((x) => x.id !== selfRow?.id);
      if (pausing) {
        if (!selfRow) out.self = 'gone';
        else if (decision.promote.includes(selfRow.id)) out.self = 'continue';
        else {
          const stopSelf = decision.stop.find((x) => x.id === selfRow.id);
          const metrics = { ...pausing.metrics, asha_rung: pausing.rung, ...(stopSelf?.cutoff !== undefined ? { asha_cutoff: stopSelf.cutoff } : {}) };
          await client.query(
            stopSelf
              ? `UPDATE trial SET status = 'stopped', result_attempt = $2, metrics = $3::jsonb, error = $4, finished_at = now() WHERE id = $1::uuid AND attempts = $2 AND status = 'running' AND result_attempt IS NULL`
              : `UPDATE trial SET status = 'paused', metrics = $3::jsonb WHERE id = $1::uuid AND attempts = $2 AND status = 'running' AND result_attempt IS NULL`,
            [selfRow.id, pausing.attempt, JSON.stringify(storableJson(metrics)), ...(stopSelf ? [storableText(stopSelf.error)] : [])],
          );
          await client.query(`UPDATE trial_attempt SET finished_at = now(), outcome = $3 WHERE trial_id = $1::uuid AND attempt = $2`, [selfRow.id, pausing.attempt, stopSelf ? 'stopped' : 'paused']);
          out.self = stopSelf ? 'stopped' : 'paused';
        }
      }
      if (promote.length > 0) {
        const { rows: up } = await client.query<{ id: string }>(
          `UPDATE trial SET status = 'queued', queued_at = now() FROM (${lockTrialsWhere(`id = ANY($1::uuid[])`)}) l
            WHERE trial.id = l.id AND status = 'paused' RETURNING trial.id`,
          [promote],
        );
        out.promoted = up.map((r) => r.id);
      }
      for (const x of stop) {
        const { rowCount } = await client.query(
          `UPDATE trial SET status = 'stopped', result_attempt = attempts, error = $2, finished_at = now(),
                  metrics = coalesce(metrics, '{}'::jsonb) || jsonb_build_object('asha_rung', $3::int)
                    || CASE WHEN $4::float8 IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('asha_cutoff', $4::float8) END
            WHERE id = $1::uuid AND status = 'paused'`,
          [x.id, storableText(x.error), x.rung, x.cutoff ?? null],
        );
        if (rowCount) out.stopped.push(x.id);
      }
      // A stopped trial has its result: its checkpoint is of no more use (as TrialRunner.record drops a finished one's).
      const ended = [...out.stopped, ...(out.self === 'stopped' && selfRow ? [selfRow.id] : [])];
      if (ended.length > 0) await client.query(`DELETE FROM checkpoint WHERE run_id = ANY($1::uuid[])`, [ended]);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Sweeps with paused trials and nothing queued or running: only a promotion decision moves them on. */
  async idlePausedSweeps(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM sweep WHERE paused_count > 0 AND queued_count + running_count = 0`);
    return rows.map((r) => r.id);
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
                  status = sweep_status(status, queued_count, running_count, succeeded_count, failed_count, cancelled_count, stopped_count, paused_count, false),
                  finished_at = coalesce(finished_at, now()), updated_at = now()
            WHERE id = $1::uuid AND search_open AND queued_count + running_count + paused_count = 0`,
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

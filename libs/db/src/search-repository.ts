import type { Database } from './database.js';
import type { JsonObject, Metrics, NewTrial, TrialStatus } from './domain.js';
import { lockTrialsWhere } from './lock-order.js';
import { collapseTrainings, type Competitor, type OpenTrialRow } from './pause-competitors.js';
import { pauseTraining, pauseTrial, promoteTraining, stopPaused } from './pause-writes.js';

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
  /**
   * A shared training reaching the rung: `trialId` is its representative (the trial its values are
   * recorded under), `attempt` the training's; the training and all its waiting trials pause or stop.
   */
  trainingId?: string;
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
  /** Paused shared trainings now queued again on their next segment (their flows must be added). */
  promotedTrainings: Array<{ id: string; segment: number }>;
  /** Trials stopped (a stopped training's included). */
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
   * value, hands `decide` every competitor of the sweep with its rung values — a trial that trains
   * itself, or a shared training as one trial (see collapseTrainings); the pausing one as paused at
   * its rung — and every value recorded at the rungs, and applies the answer in the same transaction:
   * promoted paused trials go back to `queued` (the caller enqueues them), a promoted training with
   * its trials too, on its next segment (the caller adds its flow); stopped ones get their result
   * (`stopped`, the rung and cutoff in their metrics). The pausing run keeps running if promoted at
   * once, else pauses (a trial's attempt closed as `paused`, uncharged; a training and its trials
   * `paused`) or stops.
   */
  async resolvePauses(sweepId: string, pausing: PausingTrial | null, decide: (open: PauseTrial[], values: RungValue[]) => PauseDecision): Promise<PauseOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [sweepId]);
      // Trainings before trials (lock-order.ts), all at once in id order: which ones change is known only after deciding.
      const { rows: trainings } = await client.query<{ id: string; status: string; attempts: number }>(
        `SELECT id, status, attempts FROM trial_training WHERE sweep_id = $1::uuid AND status IN ('queued', 'running', 'paused') ORDER BY id FOR UPDATE`,
        [sweepId],
      );
      if (pausing) {
        await client.query(`INSERT INTO rung_result (sweep_id, rung, trial_id, value) VALUES ($1::uuid, $2, $3::uuid, $4) ON CONFLICT DO NOTHING`, [
          sweepId,
          pausing.rung,
          pausing.trialId,
          Number.isFinite(pausing.value) ? pausing.value : 'NaN',
        ]);
      }
      const { rows } = await client.query<OpenTrialRow & { attempts: number }>(
        `SELECT t.id, t.ordinal, t.status, t.attempts, t.training_id AS "trainingId", g.status AS "trainingStatus"
           FROM trial t LEFT JOIN trial_training g ON g.id = t.training_id
          WHERE t.sweep_id = $1::uuid AND t.status IN ('queued', 'running', 'paused') AND t.result_attempt IS NULL`,
        [sweepId],
      );
      const { rows: recorded } = await client.query<RungValue>(`SELECT rung, trial_id AS "trialId", value FROM rung_result WHERE sweep_id = $1::uuid ORDER BY recorded_at`, [sweepId]);
      const { rows: members } = await client.query<{ id: string; trainingId: string }>(
        `SELECT id, training_id AS "trainingId" FROM trial WHERE sweep_id = $1::uuid AND training_id IS NOT NULL`,
        [sweepId],
      );
      const { competitors, values } = collapseTrainings(rows, recorded, new Map(members.map((m) => [m.id, m.trainingId])));
      const self = pausing ? this.selfOf(pausing, rows, competitors, trainings) : undefined;
      const open: PauseTrial[] = competitors
        // a pausing trial whose attempt is no longer the running one is not the rule's to place
        .filter((c) => !pausing || c.id !== pausing.trialId || c.trainingId !== null || self)
        .map((c) => ({ id: c.id, status: c.id === self?.id ? 'paused' : c.status, rungs: c.rungs }));
      const decision = decide(open, values);
      const out: PauseOutcome = { promoted: [], promotedTrainings: [], stopped: [] };
      const byId = new Map(competitors.map((c) => [c.id, c]));
      if (pausing) {
        if (!self) out.self = 'gone';
        else if (decision.promote.includes(self.id)) out.self = 'continue';
        else {
          const stopSelf = decision.stop.find((x) => x.id === self.id);
          const metrics = { ...pausing.metrics, asha_rung: pausing.rung, ...(stopSelf?.cutoff !== undefined ? { asha_cutoff: stopSelf.cutoff } : {}) };
          if (self.trainingId !== null) out.stopped.push(...(await pauseTraining(client, self.trainingId, pausing.attempt, metrics, stopSelf?.error)));
          else await pauseTrial(client, self.id, pausing.attempt, metrics, stopSelf?.error);
          out.self = stopSelf ? 'stopped' : 'paused';
          if (stopSelf && self.trainingId === null) out.stopped.push(self.id);
        }
      }
      const promote = decision.promote.filter((x) => x !== self?.id);
      const trials = promote.filter((id) => !byId.get(id)?.trainingId);
      if (trials.length > 0) {
        // one statement, locking them in id order (lock-order.ts)
        const { rows: up } = await client.query<{ id: string }>(
          `UPDATE trial SET status = 'queued', queued_at = now() FROM (${lockTrialsWhere(`id = ANY($1::uuid[])`)}) l
            WHERE trial.id = l.id AND status = 'paused' RETURNING trial.id`,
          [trials],
        );
        out.promoted = up.map((r) => r.id);
      }
      for (const id of promote) {
        const trainingId = byId.get(id)?.trainingId;
        const promoted = trainingId ? await promoteTraining(client, trainingId) : undefined;
        if (promoted) out.promotedTrainings.push(promoted);
      }
      for (const x of decision.stop.filter((d) => d.id !== self?.id)) {
        const trainingId = byId.get(x.id)?.trainingId ?? null;
        out.stopped.push(...(await stopPaused(client, x, trainingId)));
      }
      // A stopped run has its result: its checkpoint (a trial's, or a training's) is of no more use, as TrialRunner.record drops a finished one's.
      const ended = new Set([...out.stopped, ...(out.self === 'stopped' && self ? [self.id] : [])]);
      const runs = [...ended].map((id) => byId.get(id)?.trainingId ?? id);
      if (runs.length > 0) await client.query(`DELETE FROM checkpoint WHERE run_id = ANY($1::uuid[])`, [[...new Set(runs)]]);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The pausing run as a competitor, if it is still the one running (its attempt current); else undefined ('gone'). */
  private selfOf(pausing: PausingTrial, rows: ReadonlyArray<OpenTrialRow & { attempts: number }>, competitors: readonly Competitor[], trainings: ReadonlyArray<{ id: string; status: string; attempts: number }>): Competitor | undefined {
    if (pausing.trainingId !== undefined) {
      const g = trainings.find((t) => t.id === pausing.trainingId);
      if (g?.status !== 'running' || g.attempts !== pausing.attempt) return undefined;
      return competitors.find((c) => c.trainingId === pausing.trainingId);
    }
    const row = rows.find((r) => r.id === pausing.trialId && r.trainingId === null && r.status === 'running' && r.attempts === pausing.attempt);
    return row && competitors.find((c) => c.id === row.id);
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

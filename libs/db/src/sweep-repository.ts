import { LEADERS_ANSWER } from './board-snapshot-repository.js';
import type { Database, Prisma } from './database.js';
import type { BestTrial, JsonObject, NewSweep, NewTraining, NewTrial, Sweep, SweepStatus, SweepWithSpec, Verdict } from './domain.js';
import { SWEEP_VERSION } from './sweep-version.js';

/** Sweep versions whose best trials are kept (see `leaders`), and how many are kept of each. */
const BEST_CACHE_SIZE = 256;
const LEADERS = 50;

/** A sweep as it stands after a change of its trials (updatedAt), and what ranks its trials. */
export interface SweepVersion {
  id: string;
  metric: string;
  maximize: boolean;
  /** The sweep's updatedAt (or its epoch milliseconds). */
  updatedAt: Date | number;
}

const versionKey = (s: SweepVersion) => `${s.id}:${typeof s.updatedAt === 'number' ? s.updatedAt : s.updatedAt.getTime()}:${s.metric}:${s.maximize}`;

/** One of a sweep's best trials by its metric. */
export interface LeaderTrial {
  trialId: string;
  ordinal: number;
  value: number;
  params: JsonObject;
}

interface SweepRow {
  id: string;
  name: string;
  status: SweepStatus;
  originId: string | null;
  scheduleId: string | null;
  verdict: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
  trialCount: number;
  queuedCount: number;
  runningCount: number;
  succeededCount: number;
  failedCount: number;
  cancelledCount: number;
  stoppedCount: number;
  pausedCount: number;
  trainingCount: number;
  trainingRunningCount: number;
  trainingDoneCount: number;
  metric: string;
  maximize: boolean;
}

/** Sweeps and the trials they own, as a whole: create, read with counts, cancel, status. */
export class SweepRepository {
  private readonly prisma: Prisma;
  private readonly pool: Database['pool'];
  /** Best trials per sweep version (id, updatedAt, metric, direction); see `leaders`. */
  private readonly bests = new Map<string, Promise<LeaderTrial[]>>();

  constructor(db: Database) {
    this.prisma = db.prisma;
    this.pool = db.pool;
  }

  /**
   * Sweep row and all its trials in one transaction: a sweep is never half stored. Trials go in
   * as one INSERT … SELECT FROM unnest(arrays) per 10,000: Prisma's createMany spent ~10× the
   * database's own time building the rows.
   */
  async create(s: NewSweep): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A schedule tick creates at most one run: (schedule_id, fired_at) is unique; so is a request's idempotency key.
      const inserted = await client.query(
        `INSERT INTO sweep (id, name, spec, spec_source, trial_count, metric, maximize, updated_at, origin_sweep_id, schedule_id, fired_at, search_open, owner, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
        [
          s.id,
          s.name,
          JSON.stringify(s.spec),
          s.specSource,
          s.trials.length,
          s.metric,
          s.maximize,
          s.reproduces?.originId ?? null,
          s.reproduces?.scheduleId ?? null,
          s.reproduces?.firedAt ?? null,
          s.searchOpen ?? false,
          s.owner ?? null,
          s.idempotencyKey ?? null,
        ],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      const trainings = s.trainings ?? [];
      const trainingOf = new Map(trainings.map((g) => [g.trainHash, g.id]));
      for (let i = 0; i < trainings.length; i += 10_000) {
        const chunk = trainings.slice(i, i + 10_000);
        await client.query(
          `INSERT INTO trial_training (id, sweep_id, train_hash, params)
           SELECT g.id, $1::uuid, g.train_hash, g.params FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS g(id, train_hash, params)`,
          [s.id, chunk.map((g) => g.id), chunk.map((g) => g.trainHash), chunk.map((g) => JSON.stringify(g.params))],
        );
      }
      for (let i = 0; i < s.trials.length; i += 10_000) {
        const chunk = s.trials.slice(i, i + 10_000);
        await client.query(
          `INSERT INTO trial (id, sweep_id, ordinal, params, seed, config_hash, group_hash, training_id)
           SELECT t.id, $1::uuid, t.ordinal, t.params, t.seed, t.config_hash, t.group_hash, t.training_id
             FROM unnest($2::uuid[], $3::int[], $4::jsonb[], $5::bigint[], $6::text[], $7::text[], $8::uuid[])
                  AS t(id, ordinal, params, seed, config_hash, group_hash, training_id)`,
          [
            s.id,
            chunk.map((t) => t.id),
            chunk.map((t) => t.ordinal),
            chunk.map((t) => JSON.stringify(t.params)),
            chunk.map((t) => t.seed),
            chunk.map((t) => t.configHash),
            chunk.map((t) => t.groupHash),
            chunk.map((t) => (t.trainHash === undefined ? null : (trainingOf.get(t.trainHash) ?? null))),
          ],
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

  /** Config hashes of a sweep's trials, and its shared trainings by trainHash (to extend it). */
  async extensionState(id: string): Promise<{ configHashes: Set<string>; maxOrdinal: number; trainings: Map<string, { id: string; status: string }> }> {
    const [t, g] = await Promise.all([
      this.pool.query<{ configHash: string; ordinal: number }>(`SELECT config_hash AS "configHash", ordinal FROM trial WHERE sweep_id = $1::uuid`, [id]),
      this.pool.query<{ id: string; trainHash: string; status: string }>(`SELECT id, train_hash AS "trainHash", status FROM trial_training WHERE sweep_id = $1::uuid`, [id]),
    ]);
    return {
      configHashes: new Set(t.rows.map((r) => r.configHash)),
      maxOrdinal: t.rows.reduce((m, r) => Math.max(m, r.ordinal), -1),
      trainings: new Map(g.rows.map((r) => [r.trainHash, { id: r.id, status: r.status }])),
    };
  }

  /**
   * Adds trials (and shared trainings) to a sweep and stores its extended spec, in one transaction
   * under the sweep's lock: a trial whose config the sweep already has is skipped (the unique key),
   * the trigger on trial moves counts and status. A trial's `trainingId` links it to an existing
   * training; `trainHash` to one of `trainings`. Returns the ids inserted; null when the sweep is
   * gone or cancelled (a cancelled sweep takes no new trials).
   */
  async addTrials(id: string, spec: JsonObject, trials: Array<NewTrial & { trainingId?: string }>, trainings: NewTraining[]): Promise<string[] | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: sweep } = await client.query<{ status: string }>(`SELECT status FROM sweep WHERE id = $1::uuid FOR UPDATE`, [id]);
      if (!sweep[0] || sweep[0].status === 'cancelled') {
        await client.query('ROLLBACK');
        return null;
      }
      if (trainings.length > 0) {
        await client.query(
          `INSERT INTO trial_training (id, sweep_id, train_hash, params)
           SELECT g.id, $1::uuid, g.train_hash, g.params FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS g(id, train_hash, params)`,
          [id, trainings.map((g) => g.id), trainings.map((g) => g.trainHash), trainings.map((g) => JSON.stringify(g.params))],
        );
      }
      const trainingOf = new Map(trainings.map((g) => [g.trainHash, g.id]));
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO trial (id, sweep_id, ordinal, params, seed, config_hash, group_hash, training_id)
         SELECT t.id, $1::uuid, t.ordinal, t.params, t.seed, t.config_hash, t.group_hash, t.training_id
           FROM unnest($2::uuid[], $3::int[], $4::jsonb[], $5::bigint[], $6::text[], $7::text[], $8::uuid[])
                AS t(id, ordinal, params, seed, config_hash, group_hash, training_id)
         ON CONFLICT (sweep_id, config_hash) DO NOTHING RETURNING id`,
        [
          id,
          trials.map((t) => t.id),
          trials.map((t) => t.ordinal),
          trials.map((t) => JSON.stringify(t.params)),
          trials.map((t) => t.seed),
          trials.map((t) => t.configHash),
          trials.map((t) => t.groupHash),
          trials.map((t) => t.trainingId ?? (t.trainHash === undefined ? null : (trainingOf.get(t.trainHash) ?? null))),
        ],
      );
      await client.query(`UPDATE sweep SET spec = $2::jsonb, trial_count = (SELECT count(*) FROM trial WHERE sweep_id = $1::uuid) WHERE id = $1::uuid`, [id, JSON.stringify(spec)]);
      await client.query('COMMIT');
      return rows.map((r) => r.id);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The sweep an earlier request with this idempotency key created, with the text it was created from. */
  async byIdempotencyKey(key: string): Promise<{ id: string; name: string; specSource: string; trialCount: number } | null> {
    const { rows } = await this.pool.query<{ id: string; name: string; specSource: string; trialCount: number }>(
      `SELECT id, name, spec_source AS "specSource", trial_count AS "trialCount" FROM sweep WHERE idempotency_key = $1`,
      [key],
    );
    return rows[0] ?? null;
  }

  /** The name of the token that submitted a sweep (null: none); undefined when there is no such sweep. */
  async owner(id: string): Promise<string | null | undefined> {
    const { rows } = await this.pool.query<{ owner: string | null }>('SELECT owner FROM sweep WHERE id = $1', [id]);
    return rows.length === 0 ? undefined : rows[0]!.owner;
  }

  async get(id: string): Promise<SweepWithSpec | null> {
    const row = await this.prisma.sweep.findUnique({ where: { id } });
    if (!row) return null;
    return {
      ...this.toSweep(row, await this.best(row)),
      spec: row.spec as JsonObject,
      environment: (row.environment as JsonObject | null) ?? null,
      verdictAt: row.verdictAt,
      firedAt: row.firedAt,
    };
  }

  async list(limit = 50, offset = 0, where: { scheduleId?: string; originId?: string } = {}): Promise<Sweep[]> {
    const rows = await this.prisma.sweep.findMany({ where, orderBy: { createdAt: 'desc' }, take: limit, skip: offset });
    const bests = await Promise.all(rows.map((r) => this.best(r)));
    return rows.map((r, i) => this.toSweep(r, bests[i] ?? null));
  }

  /** The spec a sweep was created with (dispatchers cache it per sweep). */
  async spec(id: string): Promise<JsonObject | null> {
    const row = await this.prisma.sweep.findUnique({ where: { id }, select: { spec: true } });
    return row ? (row.spec as JsonObject) : null;
  }

  async status(id: string): Promise<SweepStatus | null> {
    const row = await this.prisma.sweep.findUnique({ where: { id }, select: { status: true } });
    return row?.status ?? null;
  }

  /** A reproduction run's verdict (null while not judged, and for other sweeps); null: no such sweep. */
  async verdict(id: string): Promise<{ verdict: string | null } | null> {
    return this.prisma.sweep.findUnique({ where: { id }, select: { verdict: true } });
  }

  /**
   * Cancels a sweep: queued, running and paused trials become cancelled at once (Postgres is the
   * truth; dispatchers stop running ones when told, or when they next look). Returns the trial ids
   * that were queued (or paused) and running, so the caller can remove jobs and signal trainers.
   */
  async cancel(id: string): Promise<{ queued: string[]; running: string[]; trainings: Array<{ id: string; segment: number }> } | null> {
    // Locks are taken in the order every other writer takes them (lock-order.ts) — shared trainings, then trials,
    // then the sweep (the triggers on trial and trial_training lock it last) — so a cancel never
    // deadlocks with a dispatcher starting or finishing one of its trials. The trainings are locked
    // with a SELECT, not yet updated: their counts trigger would lock the sweep before the trials.
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM sweep WHERE id = $1::uuid`, id);
      if (found.length === 0) return null;
      await tx.$queryRawUnsafe(`SELECT id FROM trial_training WHERE sweep_id = $1::uuid AND status IN ('queued', 'running', 'paused') ORDER BY id FOR UPDATE`, id);
      const rows = await tx.$queryRawUnsafe<{ id: string; was: string }[]>(
        `UPDATE trial t SET status = 'cancelled', finished_at = now(), error = coalesce(t.error, 'cancelled by user')
           FROM (SELECT id, status::text AS was FROM trial WHERE sweep_id = $1::uuid AND status IN ('queued', 'running', 'paused') ORDER BY id FOR UPDATE) p
          WHERE t.id = p.id RETURNING t.id, p.was`,
        id,
      );
      // Shared trainings nobody waits for any more (see TrainingRunner), paused ones included; with the
      // segment their current jobs' ids carry.
      const trainings = await tx.$queryRawUnsafe<{ id: string; segment: number }[]>(
        `UPDATE trial_training SET status = 'cancelled', finished_at = now() WHERE sweep_id = $1::uuid AND status IN ('queued', 'running', 'paused') RETURNING id, segment`,
        id,
      );
      await tx.$executeRawUnsafe(
        `UPDATE sweep SET status = 'cancelled', finished_at = coalesce(finished_at, now()), updated_at = now() WHERE id = $1::uuid`,
        id,
      );
      return {
        queued: rows.filter((r) => r.was === 'queued' || r.was === 'paused').map((r) => r.id),
        running: rows.filter((r) => r.was === 'running').map((r) => r.id),
        trainings: trainings.map((g) => ({ id: g.id, segment: g.segment })),
      };
    }, { maxWait: 10_000, timeout: 60_000 }); // a busy database makes a big sweep's cancel wait, not fail
  }

  /**
   * The best succeeded trials by the sweep's metric, best first (at most 50; ties by ordinal):
   * a pass over the sweep's results (a metric inside JSON has no index), so they are kept under
   * the sweep's updatedAt, which moves whenever a trial changes state. A finished sweep's leaders
   * are read once per process however often its page, summary or default learning curves (the
   * board's, through {@link leaders}) ask for them; concurrent misses share one query. A finished
   * sweep's board snapshot holds them too (BoardSnapshotRepository, LEADERS_ANSWER): a process that
   * has not read them yet takes them from there while the sweep is as the snapshot saw it.
   */
  leaders(s: SweepVersion): Promise<LeaderTrial[]> {
    const key = versionKey(s);
    const hit = this.bests.get(key);
    if (hit) return hit;
    const value = this.storedLeaders(s).then((stored) => stored ?? this.rankLeaders(s));
    this.bests.set(key, value);
    value.catch(() => this.bests.get(key) === value && this.bests.delete(key));
    while (this.bests.size > BEST_CACHE_SIZE) this.bests.delete(this.bests.keys().next().value as string);
    return value;
  }

  /** The leaders in the sweep's board snapshot, when it has one of its current version, metric and direction. */
  private async storedLeaders(s: SweepVersion): Promise<LeaderTrial[] | null> {
    const { rows } = await this.pool.query<{ leaders: LeaderTrial[] | null }>(
      `SELECT b.answers->$2::text AS leaders FROM board_snapshot b JOIN sweep s ON s.id = b.sweep_id
        WHERE b.sweep_id = $1::uuid AND b.version = ${SWEEP_VERSION('s')} AND s.metric = $3 AND s.maximize = $4`,
      [s.id, LEADERS_ANSWER, s.metric, s.maximize],
    );
    return rows[0]?.leaders ?? null;
  }

  /** The leaders by a pass over the sweep's results. */
  private rankLeaders(s: SweepVersion): Promise<LeaderTrial[]> {
    return this.pool
      .query<{ id: string; ordinal: number; params: JsonObject; value: number }>(
        // The top-N sort carries ids only; the winners' params are read after, by primary key.
        `SELECT t.id, t.ordinal, tr.params, t.value FROM (
           SELECT id, ordinal, (metrics->>$2)::float8 AS value FROM trial
            WHERE sweep_id = $1::uuid AND status = 'succeeded' AND jsonb_typeof(metrics->$2) = 'number'
            ORDER BY value ${s.maximize ? 'DESC' : 'ASC'}, ordinal LIMIT ${LEADERS}) t
           JOIN trial tr ON tr.id = t.id
          ORDER BY t.value ${s.maximize ? 'DESC' : 'ASC'}, t.ordinal`,
        [s.id, s.metric],
      )
      .then(({ rows }) => rows.map((r) => ({ trialId: r.id, ordinal: Number(r.ordinal), value: Number(r.value), params: r.params })));
  }

  private async best(s: { id: string; metric: string; maximize: boolean; updatedAt: Date }): Promise<BestTrial | null> {
    const [top] = await this.leaders(s);
    return top ? { trialId: top.trialId, value: top.value, params: top.params } : null;
  }

  private toSweep(r: SweepRow, best: BestTrial | null): Sweep {
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      originId: r.originId,
      scheduleId: r.scheduleId,
      verdict: r.verdict as Verdict | null, // a text column only the reproduction judge writes, with a Verdict
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      updatedAt: r.updatedAt,
      trialCount: r.trialCount,
      // kept by a trigger on trial in the same transaction as each change (see the sweep_trial_counts migration)
      counts: {
        queued: r.queuedCount,
        running: r.runningCount,
        succeeded: r.succeededCount,
        failed: r.failedCount,
        cancelled: r.cancelledCount,
        stopped: r.stoppedCount,
        paused: r.pausedCount,
      },
      trainings: { total: r.trainingCount, running: r.trainingRunningCount, done: r.trainingDoneCount },
      metric: r.metric,
      maximize: r.maximize,
      best,
    };
  }
}

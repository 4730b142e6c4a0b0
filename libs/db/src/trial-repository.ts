import type { Database, Prisma } from './database.js';
import type { CurvePoint, JsonObject, Metrics, Trial, TrialDetail, TrialOutcome, TrialPage, TrialPageQuery, TrialStatus } from './domain.js';
import { isDataError } from './db-errors.js';
import { GroupCommit } from './group-commit.js';
import { LOCK_TRIALS_OF_I } from './lock-order.js';
import { TRIAL_COLUMNS, trialFromRow, type TrialRow } from './rows.js';
import { isStorableStep, storableCount, storableJson, storableText } from './storable.js';

export interface StepRow {
  trialId: string;
  attempt: number;
  step: number;
  metrics: Metrics;
}

export interface StartedAttempt {
  attempt: number;
  params: JsonObject;
  /** The shared training whose adapter this trial prunes and evaluates, if any. */
  trainingId: string | null;
  configHash: string;
  /**
   * Whether a succeeded trial elsewhere has the same config hash (and a result key): only then can a
   * result be reused, so only then is a fingerprint worth asking for before the run.
   */
  reuseCandidate: boolean;
}

/** An attempt start waiting for its batch. */
interface PendingStart {
  trialId: string;
  trainerId: string;
}

/** A result waiting for its batch (already made storable). */
interface PendingResult {
  trialId: string;
  attempt: number;
  outcome: TrialOutcome;
}

/** A succeeded trial whose result another trial may reuse. */
export interface ReusableResult {
  trialId: string;
  sweepId: string;
}

/** A trial that Postgres says should be running or queued, for the reconciler. */
export interface OpenTrial {
  id: string;
  sweepId: string;
  status: TrialStatus;
  attempts: number;
  /** Attempts that count against its retries: all but those the infrastructure interrupted. */
  charged: number;
  /** Its shared training, and that training's status: the trial's own job waits for it to succeed. */
  trainingId: string | null;
  trainingStatus: TrialStatus | null;
}

const PLAIN_SORTS: Record<string, string> = {
  ordinal: 'ordinal',
  status: 'status',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  queuedAt: 'queued_at',
  trainableParams: 'trainable_params',
  effectiveParams: 'effective_params',
  attempts: 'attempts',
  seed: 'seed',
};

/** Thrown for a sort or filter key the store cannot order by; the API turns it into a 400. */
export class InvalidQueryError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = this.constructor.name;
  }
}

/**
 * Trials one at a time: the dispatcher's hot path (start an attempt, record its result exactly
 * once) and the API's reads. The state changes are single guarded SQL statements, so two
 * dispatchers running the same trial (a stalled job re-run) cannot both record a result.
 */
export class TrialRepository {
  private readonly prisma: Prisma;
  private readonly pool: Database['pool'];

  private readonly results = new GroupCommit<PendingResult, boolean>(
    (batch) => this.recordMany(batch),
    (r) => r.trialId,
  );

  private readonly starts = new GroupCommit<PendingStart, StartedAttempt | null>(
    (batch) => this.writeStarts(batch),
    (r) => r.trialId,
    { alone: isDataError }, // a value Postgres refuses (not a uuid) fails its own start only
  );

  constructor(db: Database) {
    this.prisma = db.prisma;
    this.pool = db.pool;
  }

  async get(id: string): Promise<Trial | null> {
    const rows = await this.prisma.$queryRawUnsafe<TrialRow[]>(`SELECT ${TRIAL_COLUMNS} FROM trial WHERE id = $1::uuid`, id);
    return rows[0] ? trialFromRow(rows[0]) : null;
  }

  async detail(id: string): Promise<TrialDetail | null> {
    const row = await this.prisma.trial.findUnique({
      where: { id },
      include: { attemptRows: { orderBy: { attempt: 'asc' } } },
    });
    if (!row) return null;
    const trial = await this.get(id);
    if (!trial) return null;
    // The curve of the attempt that produced the result, else of the latest attempt.
    const attempt = row.resultAttempt ?? row.attempts;
    const steps = await this.prisma.trialStep.findMany({ where: { trialId: id, attempt }, orderBy: { step: 'asc' } });
    const curve: CurvePoint[] = steps.map((s) => ({ step: Number(s.step), metrics: s.metrics as Metrics }));
    return {
      ...trial,
      adapter: (row.adapter as JsonObject | null) ?? null,
      logTail: row.logTail,
      curve,
      attemptHistory: row.attemptRows.map((a) => ({
        attempt: a.attempt,
        trainerId: a.trainerId,
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
        outcome: a.outcome,
        error: a.error,
      })),
    };
  }

  async page(sweepId: string, q: TrialPageQuery = {}): Promise<TrialPage> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 100), 1), 1000);
    const offset = Math.max(Math.trunc(q.offset ?? 0), 0);
    const args: unknown[] = [sweepId];
    const where = ['sweep_id = $1::uuid'];
    if (q.status) {
      args.push(q.status);
      where.push(`status = $${args.length}::"TrialStatus"`);
    }
    for (const [path, value] of Object.entries(q.params ?? {})) {
      args.push(path.split('.'), String(value));
      where.push(`params #>> $${args.length - 1}::text[] = $${args.length}`);
    }
    const whereSql = where.join(' AND ');
    const { orderBy, arg } = this.orderBy(q.sort ?? 'ordinal', q.order === 'desc' ? 'DESC' : 'ASC', args.length + 1);
    const [rows, total] = await Promise.all([
      this.prisma.$queryRawUnsafe<TrialRow[]>(
        `SELECT ${TRIAL_COLUMNS} FROM trial WHERE ${whereSql} ORDER BY ${orderBy}, ordinal ASC LIMIT ${limit} OFFSET ${offset}`,
        ...args,
        ...(arg === undefined ? [] : [arg]),
      ),
      // Unfiltered, the sweep row knows its trial count (kept equal to count(*) wherever trials are
      // added): no pass over a 100,000-trial sweep's rows for every page of the table.
      args.length === 1
        ? this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT trial_count::bigint AS n FROM sweep WHERE id = $1::uuid`, ...args)
        : this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM trial WHERE ${whereSql}`, ...args),
    ]);
    return { total: Number(total[0]?.n ?? 0), items: rows.map(trialFromRow) };
  }

  /** ORDER BY for a sort key; metric and param keys travel as the query parameter $n. */
  private orderBy(sort: string, dir: 'ASC' | 'DESC', n: number): { orderBy: string; arg?: unknown } {
    if (sort.startsWith('metrics.')) {
      return {
        orderBy: `(CASE WHEN jsonb_typeof(metrics->$${n}) = 'number' THEN (metrics->>$${n})::float8 END) ${dir} NULLS LAST`,
        arg: sort.slice('metrics.'.length),
      };
    }
    if (sort.startsWith('params.')) {
      return { orderBy: `params #> $${n}::text[] ${dir} NULLS LAST`, arg: sort.slice('params.'.length).split('.') };
    }
    const column = PLAIN_SORTS[sort];
    if (!column) {
      throw new InvalidQueryError('sort', `unknown sort key '${sort}' (use ${Object.keys(PLAIN_SORTS).join(', ')}, metrics.<name> or params.<path>)`);
    }
    return { orderBy: `${column} ${dir} NULLS LAST` };
  }

  /**
   * Starts the next attempt of a trial on a trainer. Returns the attempt number and the trial's
   * params, or null when
   * the trial is no longer runnable (cancelled, or a result is already recorded).
   */
  async startAttempt(trialId: string, trainerId: string): Promise<StartedAttempt | null> {
    // Starts that arrive while others are being written go together (see GroupCommit).
    return this.starts.submit({ trialId, trainerId });
  }

  /** Many attempts started in one statement; per trial, as {@link startAttempt} says. */
  private async writeStarts(batch: PendingStart[]): Promise<(StartedAttempt | null)[]> {
    // An earlier attempt still open was abandoned (its dispatcher died or lost Postgres before it
    // could say how it ended): it is closed as interrupted, which does not count against the retries.
    const { rows } = await this.pool.query<StartedAttempt & { id: string }>(
      `WITH i AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS i(id, trainer_id)),
       l AS (${LOCK_TRIALS_OF_I}),
       t AS (
         UPDATE trial SET status = 'running', attempts = attempts + 1, trainer_id = i.trainer_id, started_at = now()
           FROM i JOIN l ON l.id = i.id WHERE trial.id = i.id AND trial.status IN ('queued', 'running') AND trial.result_attempt IS NULL
          RETURNING trial.id, trial.attempts, trial.params, trial.training_id, trial.config_hash, i.trainer_id),
       c AS (
         UPDATE trial_attempt SET finished_at = now(), outcome = 'interrupted',
                error = coalesce(error, 'abandoned: no dispatcher recorded how it ended (attempt ' || t.attempts || ' replaced it)')
           FROM t WHERE trial_attempt.trial_id = t.id AND trial_attempt.finished_at IS NULL),
       a AS (INSERT INTO trial_attempt (trial_id, attempt, trainer_id) SELECT t.id, t.attempts, t.trainer_id FROM t)
       SELECT t.id, t.attempts AS attempt, t.params, t.training_id AS "trainingId", t.config_hash AS "configHash",
              EXISTS (SELECT 1 FROM trial o WHERE o.config_hash = t.config_hash AND o.result_key IS NOT NULL
                         AND o.status = 'succeeded' AND o.id <> t.id) AS "reuseCandidate"
         FROM t`,
      [batch.map((b) => b.trialId), batch.map((b) => b.trainerId)],
    );
    const byId = new Map(rows.map(({ id, ...started }) => [id, started]));
    return batch.map((b) => byId.get(b.trialId) ?? null);
  }

  /**
   * Records an attempt's result, exactly once per trial: only the first attempt to finish
   * while the trial is still open wins. Returns whether this call recorded it.
   */
  async recordResult(trialId: string, attempt: number, outcome: TrialOutcome): Promise<boolean> {
    // Results that arrive while others are being written go together (one statement, one commit,
    // one update of the sweep's row by its trigger): see GroupCommit.
    return this.results.submit({ trialId, attempt, outcome: storableOutcome(outcome) });
  }

  /** One result alone, and without the parts Postgres refuses if it refuses a value. */
  private async recordOne(trialId: string, attempt: number, o: TrialOutcome): Promise<boolean> {
    try {
      return await this.writeResult(trialId, attempt, o);
    } catch (err) {
      if (!isDataError(err)) throw err;
      // A value Postgres refuses whatever we do: keep the outcome, leave the unstorable parts out.
      const note = `[tinysweep: the result's metrics, adapter and environment could not be stored: ${(err as Error).message}]`;
      return this.writeResult(trialId, attempt, { ...o, metrics: null, adapter: null, environment: null, logTail: appendNote(o.logTail, note) });
    }
  }

  /** A batch of results in one statement; a value Postgres refuses sends the batch one by one. */
  private async recordMany(batch: PendingResult[]): Promise<boolean[]> {
    if (batch.length === 1) return [await this.recordOne(batch[0]!.trialId, batch[0]!.attempt, batch[0]!.outcome)];
    try {
      return await this.writeResults(batch);
    } catch (err) {
      if (!isDataError(err)) throw err;
      const out: boolean[] = [];
      for (const r of batch) out.push(await this.recordOne(r.trialId, r.attempt, r.outcome));
      return out;
    }
  }

  /** {@link writeResult} for many trials (each at most once) in one statement. */
  private async writeResults(batch: PendingResult[]): Promise<boolean[]> {
    const col = <T>(f: (o: TrialOutcome, r: PendingResult) => T) => batch.map((r) => f(r.outcome, r));
    const { rows } = await this.pool.query<{ id: string; recorded: boolean }>(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::bigint[], $6::bigint[], $7::jsonb[], $8::text[],
                              $9::text[], $10::jsonb[], $11::text[])
                    AS i(id, attempt, status, metrics, trainable_params, effective_params, adapter, error, log_tail, environment, result_key)),
       l AS (${LOCK_TRIALS_OF_I}),
       t AS (
         UPDATE trial SET status = i.status::"TrialStatus", result_attempt = i.attempt, metrics = i.metrics,
                trainable_params = i.trainable_params, effective_params = i.effective_params, adapter = i.adapter, error = i.error,
                log_tail = i.log_tail, environment = i.environment, result_key = i.result_key, finished_at = now()
           FROM i JOIN l ON l.id = i.id WHERE trial.id = i.id AND trial.result_attempt IS NULL AND trial.status IN ('queued', 'running')
          RETURNING trial.id),
       a AS (
         UPDATE trial_attempt SET finished_at = now(), error = i.error,
                outcome = CASE WHEN EXISTS (SELECT 1 FROM t WHERE t.id = i.id) THEN i.status WHEN i.status = 'cancelled' THEN 'cancelled' ELSE 'superseded' END
           FROM i JOIN l ON l.id = i.id WHERE trial_attempt.trial_id = i.id AND trial_attempt.attempt = i.attempt)
       SELECT i.id, EXISTS (SELECT 1 FROM t WHERE t.id = i.id) AS recorded FROM i`,
      [
        col((_, r) => r.trialId),
        col((_, r) => r.attempt),
        col((o) => o.status),
        col((o) => (o.metrics === null ? null : JSON.stringify(o.metrics))),
        col((o) => o.trainableParams),
        col((o) => o.effectiveParams),
        col((o) => (o.adapter === null ? null : JSON.stringify(o.adapter))),
        col((o) => o.error),
        col((o) => o.logTail),
        col((o) => (o.environment ? JSON.stringify(o.environment) : null)),
        col((o) => (o.status === 'succeeded' ? (o.resultKey ?? null) : null)),
      ],
    );
    const recorded = new Map(rows.map((r) => [r.id, r.recorded]));
    return batch.map((r) => recorded.get(r.trialId) === true);
  }

  private async writeResult(trialId: string, attempt: number, o: TrialOutcome): Promise<boolean> {
    const { rows } = await this.pool.query<{ recorded: boolean }>(
      `WITH t AS (
         UPDATE trial SET status = $3::"TrialStatus", result_attempt = $2, metrics = $4::jsonb,
                trainable_params = $5, effective_params = $6, adapter = $7::jsonb, error = $8, log_tail = $9,
                environment = $10::jsonb, result_key = $11, finished_at = now()
          WHERE id = $1::uuid AND result_attempt IS NULL AND status IN ('queued', 'running')
          RETURNING id),
       a AS (
         UPDATE trial_attempt SET finished_at = now(), error = $8,
                outcome = CASE WHEN EXISTS (SELECT 1 FROM t) THEN $3::text WHEN $3::text = 'cancelled' THEN 'cancelled' ELSE 'superseded' END
          WHERE trial_id = $1::uuid AND attempt = $2)
       SELECT EXISTS (SELECT 1 FROM t) AS recorded`,
      [
        trialId,
        attempt,
        o.status,
        o.metrics === null ? null : JSON.stringify(o.metrics),
        o.trainableParams,
        o.effectiveParams,
        o.adapter === null ? null : JSON.stringify(o.adapter),
        o.error,
        o.logTail,
        o.environment ? JSON.stringify(o.environment) : null,
        o.status === 'succeeded' ? (o.resultKey ?? null) : null,
      ],
    );
    return rows[0]?.recorded === true;
  }

  /**
   * A succeeded trial with this result key (from any sweep), other than `trialId`: the original
   * when the match was itself reused, so links never chain.
   */
  async findReusable(resultKey: string, trialId: string): Promise<ReusableResult | null> {
    const { rows } = await this.pool.query<ReusableResult>(
      `SELECT coalesce(o.id, t.id) AS "trialId", coalesce(o.sweep_id, t.sweep_id) AS "sweepId"
         FROM trial t LEFT JOIN trial o ON o.id = t.reused_from_trial_id AND o.status = 'succeeded'
        WHERE t.result_key = $1 AND t.status = 'succeeded' AND t.id <> $2::uuid
        ORDER BY (t.reused_from_trial_id IS NULL) DESC, t.finished_at ASC LIMIT 1`,
      [resultKey, trialId],
    );
    return rows[0] ?? null;
  }

  /**
   * Records attempt `attempt` of a trial as a reuse of `sourceId`'s result: status, metrics, counts,
   * adapter and environment copied, `reused_from_trial_id` set, the learning curve copied under the
   * attempt. Exactly once, like {@link recordResult}; returns whether this call recorded it.
   */
  async recordReused(trialId: string, attempt: number, sourceId: string, resultKey: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ recorded: boolean }>(
      `WITH s AS (SELECT * FROM trial WHERE id = $3::uuid AND status = 'succeeded'),
       t AS (
         UPDATE trial SET status = 'succeeded', result_attempt = $2, metrics = s.metrics, trainable_params = s.trainable_params,
                effective_params = s.effective_params, adapter = s.adapter, environment = s.environment, error = NULL,
                log_tail = 'result reused from trial ' || s.id, reused_from_trial_id = s.id, result_key = $4, finished_at = now()
           FROM s WHERE trial.id = $1::uuid AND trial.result_attempt IS NULL AND trial.status IN ('queued', 'running')
          RETURNING trial.id),
       a AS (
         UPDATE trial_attempt SET finished_at = now(), outcome = CASE WHEN EXISTS (SELECT 1 FROM t) THEN 'reused' ELSE 'superseded' END
          WHERE trial_id = $1::uuid AND attempt = $2),
       c AS (
         INSERT INTO trial_step (trial_id, attempt, step, metrics)
         SELECT $1::uuid, $2, st.step, st.metrics FROM trial_step st JOIN s ON st.trial_id = s.id AND st.attempt = s.result_attempt
          WHERE EXISTS (SELECT 1 FROM t) ON CONFLICT DO NOTHING)
       SELECT EXISTS (SELECT 1 FROM t) AS recorded`,
      [trialId, attempt, sourceId, resultKey],
    );
    return rows[0]?.recorded === true;
  }

  /**
   * An attempt ended without a result (trainer or stream lost). The trial goes back to queued
   * for the next attempt, or fails when none is left — unless another attempt already moved on.
   */
  async recordLostAttempt(trialId: string, attempt: number, lostError: string, retrying: boolean, lostTail: string | null): Promise<void> {
    const error = storableText(lostError);
    const logTail = storableText(lostTail);
    await this.prisma.$transaction([
      this.prisma.$executeRawUnsafe(
        `UPDATE trial_attempt SET finished_at = now(), outcome = 'lost', error = $3 WHERE trial_id = $1::uuid AND attempt = $2`,
        trialId,
        attempt,
        error,
      ),
      this.prisma.$executeRawUnsafe(
        retrying
          ? `UPDATE trial SET status = 'queued', error = $3 WHERE id = $1::uuid AND attempts = $2 AND result_attempt IS NULL AND status = 'running'`
          : `UPDATE trial SET status = 'failed', error = $3, result_attempt = $2, finished_at = now(), log_tail = $4
              WHERE id = $1::uuid AND attempts = $2 AND result_attempt IS NULL AND status IN ('queued', 'running')`,
        trialId,
        attempt,
        error,
        ...(retrying ? [] : [logTail]),
      ),
    ]);
  }

  /**
   * An attempt the infrastructure cut short (the dispatcher stopping, a trainer it could not reach, a
   * Postgres outage): closed as `interrupted`, which does not count against the trial's retries, and
   * the trial queued again — unless another attempt already moved on.
   */
  async recordInterrupted(trialId: string, attempt: number, error: string): Promise<void> {
    await this.pool.query(
      `WITH a AS (UPDATE trial_attempt SET finished_at = now(), outcome = 'interrupted', error = $3 WHERE trial_id = $1::uuid AND attempt = $2 AND finished_at IS NULL)
       UPDATE trial SET status = 'queued' WHERE id = $1::uuid AND attempts = $2 AND result_attempt IS NULL AND status = 'running'`,
      [trialId, attempt, storableText(error)],
    );
  }

  /**
   * Closes attempt rows nobody will finish: open attempts of trials that ended more than `graceMs`
   * ago (cancelled by the user while their dispatcher was gone, or finished by another attempt).
   * Returns how many it closed.
   */
  async closeAbandonedAttempts(graceMs: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE trial_attempt a SET finished_at = now(),
              outcome = CASE WHEN t.status = 'cancelled' THEN 'cancelled' ELSE 'interrupted' END,
              error = coalesce(a.error, 'abandoned: no dispatcher recorded how it ended')
         FROM trial t
        WHERE a.trial_id = t.id AND a.finished_at IS NULL AND t.status NOT IN ('queued', 'running')
          AND t.finished_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [graceMs],
    );
    return rowCount ?? 0;
  }

  /**
   * A trial whose job failed for good while Postgres still holds it open (the dispatcher could
   * not record the outcome at the time): fail it now so the sweep can finish.
   */
  async failOpen(trialId: string, failure: string): Promise<boolean> {
    const error = storableText(failure);
    const n = await this.prisma.$executeRawUnsafe(
      `UPDATE trial SET status = 'failed', error = $2, result_attempt = attempts, finished_at = now()
        WHERE id = $1::uuid AND result_attempt IS NULL AND status IN ('queued', 'running')`,
      trialId,
      error,
    );
    return n > 0;
  }

  /**
   * Learning-curve points, in batches; re-sending a point is harmless. A step that is not a whole
   * number JSON carries exactly is left out (the rest of the batch is stored); returns how many were.
   */
  async appendSteps(rows: StepRow[]): Promise<number> {
    const ok = rows.filter((r) => isStorableStep(r.step));
    if (ok.length === 0) return 0;
    await this.pool.query(
      `INSERT INTO trial_step (trial_id, attempt, step, metrics)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::jsonb[]) ON CONFLICT DO NOTHING`,
      [ok.map((r) => r.trialId), ok.map((r) => r.attempt), ok.map((r) => r.step), ok.map((r) => JSON.stringify(storableJson(r.metrics)))],
    );
    return ok.length;
  }

  /**
   * A resumed attempt's curve starts with the steps it continues from: the points up to `upToStep`
   * of the attempt that sent the checkpoint, copied under the new attempt (so the recorded attempt's
   * curve is the whole run's, 1 … n).
   */
  async copyCurve(trialId: string, fromAttempt: number, toAttempt: number, upToStep: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO trial_step (trial_id, attempt, step, metrics, at)
       SELECT trial_id, $3, step, metrics, at FROM trial_step WHERE trial_id = $1::uuid AND attempt = $2 AND step <= $4
       ON CONFLICT DO NOTHING`,
      [trialId, fromAttempt, toAttempt, upToStep],
    );
  }

  /** Puts a finished trial back in the queue (from the start: its checkpoint is dropped); null if it is still open or unknown. */
  async retry(trialId: string): Promise<Trial | null> {
    const rows = await this.prisma.$queryRawUnsafe<TrialRow[]>(
      `WITH t AS (
         UPDATE trial SET status = 'queued', result_attempt = NULL, metrics = NULL, trainable_params = NULL,
                effective_params = NULL, adapter = NULL, error = NULL, log_tail = NULL, started_at = NULL,
                finished_at = NULL, queued_at = now(), reused_from_trial_id = NULL, result_key = NULL
          WHERE id = $1::uuid AND status IN ('succeeded', 'failed', 'cancelled', 'stopped')
          RETURNING ${TRIAL_COLUMNS}),
       d AS (DELETE FROM checkpoint WHERE run_id IN (SELECT id FROM t))
       SELECT * FROM t`,
      trialId,
    );
    if (!rows[0]) return null;
    return trialFromRow(rows[0]); // the sweep runs again: a trigger on trial sets its status
  }

  async status(trialId: string): Promise<TrialStatus | null> {
    const { rows } = await this.pool.query<{ status: TrialStatus }>(`SELECT status FROM trial WHERE id = $1::uuid`, [trialId]);
    return rows[0]?.status ?? null;
  }

  /** Queued and running trials, oldest first, a page at a time (keyset on id). */
  async open(afterId: string | null, limit = 5000): Promise<OpenTrial[]> {
    return this.prisma.$queryRawUnsafe<OpenTrial[]>(
      `SELECT t.id, t.sweep_id AS "sweepId", t.status, t.attempts, t.training_id AS "trainingId", g.status AS "trainingStatus",
              (SELECT count(*)::int FROM trial_attempt a WHERE a.trial_id = t.id AND coalesce(a.outcome, '') NOT IN ('interrupted', 'paused')) AS charged
         FROM trial t LEFT JOIN trial_training g ON g.id = t.training_id
        WHERE t.status IN ('queued', 'running') ${afterId ? 'AND t.id > $2::uuid' : ''}
        ORDER BY t.id LIMIT $1`,
      limit,
      ...(afterId ? [afterId] : []),
    );
  }
}

/** An outcome as Postgres can hold it: NULs removed, counts checked (what is left out is noted in the log tail). */
function storableOutcome(o: TrialOutcome): TrialOutcome {
  const notes: string[] = [];
  const count = (name: string, n: number | null): number | null => {
    const ok = storableCount(n);
    if (ok !== undefined) return ok;
    notes.push(`[tinysweep: ${name} ${String(n)} is not a whole number in [0, 2^53); not stored]`);
    return null;
  };
  const trainableParams = count('trainable_params', o.trainableParams);
  const effectiveParams = count('effective_params', o.effectiveParams);
  return {
    ...o,
    trainableParams,
    effectiveParams,
    metrics: o.metrics && storableJson(o.metrics),
    adapter: o.adapter && storableJson(o.adapter),
    environment: o.environment && storableJson(o.environment),
    error: storableText(o.error),
    logTail: notes.reduce<string | null>((tail, n) => appendNote(tail, n), storableText(o.logTail)),
  };
}

function appendNote(tail: string | null, note: string): string {
  return tail ? `${tail}\n${note}` : note;
}

import type { Database, Prisma } from './database.js';
import type { BestTrial, JsonObject, NewSweep, Sweep, SweepStatus, SweepWithSpec, TrialCounts } from './domain.js';

const EMPTY_COUNTS = (): TrialCounts => ({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });

interface SweepRow {
  id: string;
  name: string;
  status: SweepStatus;
  originId: string | null;
  scheduleId: string | null;
  verdict: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  trialCount: number;
  metric: string;
  maximize: boolean;
}

/** Sweeps and the trials they own, as a whole: create, read with counts, cancel, status. */
export class SweepRepository {
  private readonly prisma: Prisma;
  private readonly pool: Database['pool'];

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
      // A schedule tick creates at most one run: (schedule_id, fired_at) is unique.
      const inserted = await client.query(
        `INSERT INTO sweep (id, name, spec, spec_source, trial_count, metric, maximize, updated_at, origin_sweep_id, schedule_id, fired_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10) ON CONFLICT (schedule_id, fired_at) DO NOTHING`,
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
        ],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      for (let i = 0; i < s.trials.length; i += 10_000) {
        const chunk = s.trials.slice(i, i + 10_000);
        await client.query(
          `INSERT INTO trial (id, sweep_id, ordinal, params, seed, config_hash, group_hash)
           SELECT t.id, $1::uuid, t.ordinal, t.params, t.seed, t.config_hash, t.group_hash
             FROM unnest($2::uuid[], $3::int[], $4::jsonb[], $5::bigint[], $6::text[], $7::text[])
                  AS t(id, ordinal, params, seed, config_hash, group_hash)`,
          [
            s.id,
            chunk.map((t) => t.id),
            chunk.map((t) => t.ordinal),
            chunk.map((t) => JSON.stringify(t.params)),
            chunk.map((t) => t.seed),
            chunk.map((t) => t.configHash),
            chunk.map((t) => t.groupHash),
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

  async get(id: string): Promise<SweepWithSpec | null> {
    const row = await this.prisma.sweep.findUnique({ where: { id } });
    if (!row) return null;
    const [counts, best] = await Promise.all([this.counts([id]), this.best(row)]);
    return {
      ...this.toSweep(row, counts.get(id), best),
      spec: row.spec as JsonObject,
      environment: (row.environment as JsonObject | null) ?? null,
      verdictAt: row.verdictAt,
      firedAt: row.firedAt,
    };
  }

  async list(limit = 50, offset = 0, where: { scheduleId?: string; originId?: string } = {}): Promise<Sweep[]> {
    const rows = await this.prisma.sweep.findMany({ where, orderBy: { createdAt: 'desc' }, take: limit, skip: offset });
    const counts = await this.counts(rows.map((r) => r.id));
    const bests = await Promise.all(rows.map((r) => this.best(r)));
    return rows.map((r, i) => this.toSweep(r, counts.get(r.id), bests[i] ?? null));
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

  /**
   * Cancels a sweep: queued and running trials become cancelled at once (Postgres is the truth;
   * dispatchers stop running ones when told, or when they next look). Returns the trial ids
   * that were queued and running, so the caller can remove jobs and signal trainers.
   */
  async cancel(id: string): Promise<{ queued: string[]; running: string[] } | null> {
    return this.prisma.$transaction(async (tx) => {
      const n = await tx.$executeRawUnsafe(
        `UPDATE sweep SET status = 'cancelled', finished_at = coalesce(finished_at, now()), updated_at = now() WHERE id = $1::uuid`,
        id,
      );
      if (n === 0) return null;
      const rows = await tx.$queryRawUnsafe<{ id: string; was: string }[]>(
        `UPDATE trial t SET status = 'cancelled', finished_at = now(), error = coalesce(t.error, 'cancelled by user')
           FROM (SELECT id, status::text AS was FROM trial WHERE sweep_id = $1::uuid AND status IN ('queued', 'running') FOR UPDATE) p
          WHERE t.id = p.id RETURNING t.id, p.was`,
        id,
      );
      return {
        queued: rows.filter((r) => r.was === 'queued').map((r) => r.id),
        running: rows.filter((r) => r.was === 'running').map((r) => r.id),
      };
    });
  }

  /** Sweep status follows from its trials; call after any trial changes state. */
  async refreshStatus(id: string): Promise<SweepStatus | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ status: SweepStatus }[]>(
      `WITH c AS (
         SELECT count(*) FILTER (WHERE status = 'queued')    AS q,
                count(*) FILTER (WHERE status = 'running')   AS r,
                count(*) FILTER (WHERE status = 'succeeded') AS s,
                count(*) FILTER (WHERE status = 'failed')    AS f,
                count(*) FILTER (WHERE status = 'cancelled') AS x
           FROM trial WHERE sweep_id = $1::uuid)
       UPDATE sweep w SET
         status = (CASE
           WHEN c.q + c.r > 0 THEN (CASE WHEN c.r + c.s + c.f > 0 THEN 'running' ELSE 'queued' END)
           WHEN w.status = 'cancelled' THEN 'cancelled'
           WHEN c.s = 0 AND c.f > 0 THEN 'failed'
           WHEN c.s = 0 AND c.f = 0 AND c.x > 0 THEN 'cancelled'
           ELSE 'completed' END)::"SweepStatus",
         finished_at = CASE WHEN c.q + c.r = 0 THEN coalesce(w.finished_at, now()) ELSE NULL END,
         updated_at = now()
       FROM c WHERE w.id = $1::uuid
       RETURNING w.status`,
      id,
    );
    return rows[0]?.status ?? null;
  }

  private async counts(ids: string[]): Promise<Map<string, TrialCounts>> {
    const out = new Map<string, TrialCounts>();
    if (ids.length === 0) return out;
    const groups = await this.prisma.trial.groupBy({ by: ['sweepId', 'status'], where: { sweepId: { in: ids } }, _count: { _all: true } });
    for (const g of groups) {
      const c = out.get(g.sweepId) ?? EMPTY_COUNTS();
      c[g.status] = g._count._all;
      out.set(g.sweepId, c);
    }
    return out;
  }

  private async best(s: { id: string; metric: string; maximize: boolean }): Promise<BestTrial | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string; params: JsonObject; value: number }[]>(
      `SELECT id, params, (metrics->>$2)::float8 AS value FROM trial
        WHERE sweep_id = $1::uuid AND status = 'succeeded' AND jsonb_typeof(metrics->$2) = 'number'
        ORDER BY value ${s.maximize ? 'DESC' : 'ASC'} LIMIT 1`,
      s.id,
      s.metric,
    );
    const r = rows[0];
    return r ? { trialId: r.id, value: Number(r.value), params: r.params } : null;
  }

  private toSweep(r: SweepRow, counts: TrialCounts | undefined, best: BestTrial | null): Sweep {
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      originId: r.originId,
      scheduleId: r.scheduleId,
      verdict: r.verdict,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      trialCount: r.trialCount,
      counts: counts ?? EMPTY_COUNTS(),
      metric: r.metric,
      maximize: r.maximize,
      best,
    };
  }
}

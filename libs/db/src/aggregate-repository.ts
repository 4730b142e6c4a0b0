import type { Database } from './database.js';
import type { JsonObject, Metrics, TrialStatus } from './domain.js';

/**
 * Read-only aggregation over a sweep's trials for the results board. Postgres does the passes over
 * trial rows (GROUP BY, DISTINCT ON, binning), so a 100,000-trial sweep leaves the database as one
 * row per config (seed replicates collapsed by group_hash) or as a few hundred bins, never as
 * 100,000 rows; the API combines configs into cells and lines. Metric names and parameter paths
 * are always bound as query parameters (`$n`), never spliced into the SQL.
 *
 * A trial's metric value is `metrics->name` when it is a JSON number; trials that are not
 * `succeeded`, or lack the metric, are left out of every aggregate.
 */

/** A path into a trial's params, e.g. ['adapter', 'rank']. */
export type ParamPath = readonly string[];

/** Which parameter count a scatter is drawn against. */
export type ParamCountColumn = 'trainable' | 'effective';

/** One distinct value of a parameter, as text (`params #>> path`; null when absent). */
export interface FacetValue {
  value: string | null;
  count: number;
}

/**
 * One config of a sweep (its trials differ only in seed, and share a group_hash): how many trials
 * it has, and the text of each parameter path (`params #>> path`, the same text the trials
 * page filters on) in the order of the paths asked for.
 */
export interface GroupKeys {
  groupHash: string;
  trials: number;
  keys: (string | null)[];
}

/** A config's metric over its succeeded seed replicates. */
export interface GroupMetric {
  groupHash: string;
  n: number;
  mean: number;
  /** Sum of squared deviations from the mean (n − 1 times the sample variance). */
  m2: number;
  min: number;
  max: number;
}

/** A succeeded trial's metric value (for the replicate dots of a few configs). */
export interface TrialValue {
  groupHash: string;
  trialId: string;
  seed: number;
  value: number;
}

/** A scatter point: [x, y, trialId] raw, or [x, y, count] when binned. */
export type ScatterPoint = [number, number, string] | [number, number, number];

/** A trial on the Pareto front: fewer parameters and a better metric than anything it beats. */
export interface FrontPoint {
  x: number;
  y: number;
  trialId: string;
  ordinal: number;
  params: JsonObject;
}

export interface Scatter {
  column: ParamCountColumn;
  /** Succeeded trials with the metric and a parameter count > 0. */
  total: number;
  /** Trials left out because their count is 0 (a log axis cannot show them). */
  zeroCount: number;
  /** False: one point per trial. True: points are bins, the third number their trial count. */
  binned: boolean;
  points: ScatterPoint[];
  front: FrontPoint[];
}

export interface TrialCurve {
  trialId: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  metrics: Metrics | null;
  /** Total points stored; `points` keeps at most the requested number (evenly spaced, last kept). */
  stored: number;
  points: { step: number; metrics: Metrics }[];
}

/** A schedule a sweep belongs to: it was fired by it ('run') or is re-run by it ('source'). */
export interface SweepScheduleRef {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  paused: boolean;
  role: 'run' | 'source';
}

/** Best trials returned with the scatters (the board's default learning curves). */
const TOP_TRIALS = 50;

const METRIC = (n: number) => `(CASE WHEN jsonb_typeof(metrics->$${n}) = 'number' THEN (metrics->>$${n})::float8 END)`;

/**
 * The Pareto front of (x, y) points where smaller x is better and larger y is better (or smaller,
 * when `maximize` is false): points sorted by x, each kept when it beats every point before it.
 * Ties on x keep the best y only. Pure; exported for its spec.
 */
export function paretoFront<T extends { x: number; y: number }>(points: readonly T[], maximize: boolean): T[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || (maximize ? b.y - a.y : a.y - b.y));
  const front: T[] = [];
  let best = maximize ? -Infinity : Infinity;
  for (const p of sorted) {
    if (maximize ? p.y > best : p.y < best) {
      front.push(p);
      best = p.y;
    }
  }
  return front;
}

export class AggregateRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
  }

  /**
   * A query that groups or sorts a whole sweep: run with more work_mem than the default 4 MB, so
   * a 100,000-row DISTINCT ON or hash aggregate stays in memory instead of spilling to disk.
   */
  private async heavy<R extends object>(sql: string, args: unknown[]): Promise<R[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL work_mem = '64MB'`);
      await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
      const { rows } = await client.query(sql, args);
      await client.query('COMMIT');
      return rows as R[];
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Leaf paths of the sweep's params (objects are walked; arrays and scalars are leaves), read
   * from about `sample` trials spread over the sweep.
   */
  async paramPaths(sweepId: string, sample = 400): Promise<string[][]> {
    const { rows } = await this.pool.query<{ path: string[] }>(
      `WITH RECURSIVE s AS (
         SELECT params FROM trial
          WHERE sweep_id = $1::uuid
            AND ordinal % greatest(1, (SELECT trial_count FROM sweep WHERE id = $1::uuid) / $2::int) = 0
          LIMIT $2::int),
       walk(path, value) AS (
         SELECT ARRAY[e.key], e.value FROM s CROSS JOIN LATERAL jsonb_each(s.params) e
         UNION ALL
         SELECT w.path || e.key, e.value
           FROM walk w CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(w.value) = 'object' THEN w.value ELSE '{}'::jsonb END) e)
       SELECT DISTINCT path FROM walk WHERE jsonb_typeof(value) <> 'object'`,
      [sweepId, sample],
    );
    return rows.map((r) => r.path).sort((a, b) => a.join('.').localeCompare(b.join('.')));
  }

  /**
   * Every config of the sweep (one row per group_hash, all statuses) with its trial count and the
   * text of each of `paths` — one DISTINCT ON pass. Params never change once stored, so callers
   * may keep the result.
   */
  async groupKeys(sweepId: string, paths: readonly ParamPath[]): Promise<GroupKeys[]> {
    const rows = await this.heavy<{ group_hash: string; n: number; keys: (string | null)[] }>(
      `WITH p AS (
         SELECT a.ord, ARRAY(SELECT jsonb_array_elements_text(a.x)) AS path
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS a(x, ord))
       SELECT d.group_hash, d.n::int AS n, ARRAY(SELECT d.params #>> p.path FROM p ORDER BY p.ord) AS keys
         FROM (SELECT DISTINCT ON (group_hash) group_hash, count(*) OVER (PARTITION BY group_hash) AS n, params
                 FROM trial WHERE sweep_id = $1::uuid ORDER BY group_hash) d`,
      [sweepId, JSON.stringify(paths)],
    );
    return rows.map((r) => ({ groupHash: r.group_hash, trials: Number(r.n), keys: r.keys ?? [] }));
  }

  /** Trials per seed (seeds vary inside a config, so they are counted apart). */
  async seedCounts(sweepId: string): Promise<FacetValue[]> {
    const { rows } = await this.pool.query<{ seed: string; n: number }>(
      `SELECT seed::text AS seed, count(*)::int AS n FROM trial WHERE sweep_id = $1::uuid GROUP BY seed ORDER BY seed`,
      [sweepId],
    );
    return rows.map((r) => ({ value: r.seed, count: Number(r.n) }));
  }

  /** Metric names on the sweep's results, and on its curves (both from a sample). */
  async metricNames(sweepId: string): Promise<{ metrics: string[]; curveMetrics: string[] }> {
    const [results, curves] = await Promise.all([
      this.pool.query<{ k: string }>(
        `SELECT DISTINCT k FROM (SELECT metrics FROM trial WHERE sweep_id = $1::uuid AND metrics IS NOT NULL LIMIT 500) t
           CROSS JOIN LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(t.metrics) = 'object' THEN t.metrics ELSE '{}'::jsonb END) AS k ORDER BY k`,
        [sweepId],
      ),
      this.pool.query<{ k: string }>(
        `SELECT DISTINCT k FROM (
            SELECT s.metrics FROM (SELECT id FROM trial WHERE sweep_id = $1::uuid AND status IN ('succeeded', 'running') LIMIT 20) t
              JOIN trial_step s ON s.trial_id = t.id LIMIT 2000) st
           CROSS JOIN LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(st.metrics) = 'object' THEN st.metrics ELSE '{}'::jsonb END) AS k ORDER BY k`,
        [sweepId],
      ),
    ]);
    return { metrics: results.rows.map((r) => r.k), curveMetrics: curves.rows.map((r) => r.k) };
  }

  /**
   * The metric per config over its succeeded replicates — one GROUP BY pass over the sweep. (The
   * metric is a CASE, not a WHERE: a filter on a JSON function would make the planner expect a
   * handful of rows and sort instead of hashing.)
   */
  async groupMetrics(sweepId: string, metric: string): Promise<GroupMetric[]> {
    const rows = await this.heavy<{ group_hash: string; n: number; mean: number; m2: number | null; min: number; max: number }>(
      `SELECT group_hash, count(v)::int AS n, avg(v) AS mean, coalesce(var_pop(v) * count(v), 0) AS m2, min(v) AS min, max(v) AS max
         FROM (SELECT group_hash, ${METRIC(2)} AS v FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded') t
        GROUP BY group_hash HAVING count(v) > 0`,
      [sweepId, metric],
    );
    return rows.map((r) => ({ groupHash: r.group_hash, n: Number(r.n), mean: Number(r.mean), m2: Number(r.m2 ?? 0), min: Number(r.min), max: Number(r.max) }));
  }

  /** Succeeded trials' metric values for a few configs, by config then seed. */
  async groupTrialValues(sweepId: string, metric: string, groupHashes: readonly string[]): Promise<TrialValue[]> {
    if (groupHashes.length === 0) return [];
    const { rows } = await this.pool.query<{ group_hash: string; id: string; seed: string; v: number }>(
      `SELECT group_hash, id, seed, v FROM (
         SELECT group_hash, id, seed, ${METRIC(2)} AS v FROM trial
          WHERE sweep_id = $1::uuid AND group_hash = ANY($3::text[]) AND status = 'succeeded') t
        WHERE v IS NOT NULL ORDER BY group_hash, seed`,
      [sweepId, metric, groupHashes],
    );
    return rows.map((r) => ({ groupHash: r.group_hash, trialId: r.id, seed: Number(r.seed), value: Number(r.v) }));
  }

  /** Params of one trial of each config (seed left out), for labels. */
  async groupParams(sweepId: string, groupHashes: readonly string[]): Promise<Map<string, JsonObject>> {
    const out = new Map<string, JsonObject>();
    if (groupHashes.length === 0) return out;
    const { rows } = await this.pool.query<{ group_hash: string; params: JsonObject }>(
      `SELECT DISTINCT ON (group_hash) group_hash, params - 'seed' AS params FROM trial
        WHERE sweep_id = $1::uuid AND group_hash = ANY($2::text[]) ORDER BY group_hash, ordinal`,
      [sweepId, groupHashes],
    );
    for (const r of rows) out.set(r.group_hash, r.params);
    return out;
  }

  /**
   * The metric against trainable and against effective parameters, each with its Pareto front, in
   * one pass over the sweep's succeeded trials. When the trials with the metric are at most
   * `maxPoints`, one point per trial; else bins of 2.5% of log x (the exact x when a bin holds one
   * count) × 2% of the metric's range, each with its trial count. The fronts
   * are exact either way: the best trial at each count, then the scan of {@link paretoFront}.
   * `top` lists the best trials by the metric (at most 50), from the same pass.
   */
  async paramCountScatters(sweepId: string, metric: string, o: { maximize: boolean; maxPoints?: number }): Promise<Record<ParamCountColumn, Scatter> & { top: string[] }> {
    // Raw points or bins is decided inside the query (by the count in s), so nothing has to be
    // read first: both branches are there, and only one returns rows.
    const perColumn = (col: 'a' | 'e', name: ParamCountColumn) => [
      `SELECT 'bin' AS kind, '${name}' AS col, CASE WHEN min(${col}) = max(${col}) THEN min(${col}) ELSE exp(avg(ln(${col}))) END AS x,
              avg(v) AS y, count(*)::int AS n, NULL::uuid AS id, NULL::int AS ordinal
         FROM t CROSS JOIN s WHERE s.n > $3::int AND ${col} > 0 AND v IS NOT NULL
        GROUP BY round(ln(${col}) * 40), least(greatest(floor((v - s.lo) / s.span * 50), 0), 49)`,
      `SELECT 'point', '${name}', ${col}, v, 1, id, ordinal FROM t CROSS JOIN s WHERE s.n <= $3::int AND ${col} > 0 AND v IS NOT NULL`,
      `SELECT 'zero', '${name}', 0, 0, count(v)::int, NULL, NULL FROM t WHERE ${col} <= 0`,
      // The best value at each count by hashing, then its first trial: no sort of the whole sweep.
      `(SELECT DISTINCT ON (t.${col}) 'best', '${name}', t.${col}, t.v, 1, t.id, t.ordinal
          FROM t JOIN (SELECT ${col} AS x, ${o.maximize ? 'max' : 'min'}(v) AS v FROM t WHERE ${col} > 0 GROUP BY ${col}) b ON t.${col} = b.x AND t.v = b.v
         ORDER BY t.${col}, t.ordinal)`,
    ];
    const rows = await this.heavy<{ kind: 'bin' | 'point' | 'zero' | 'best' | 'top' | 'count'; col: ParamCountColumn; x: number; y: number; n: number; id: string | null; ordinal: number | null }>(
      `WITH t AS MATERIALIZED (
         SELECT id, ordinal, trainable_params::float8 AS a, effective_params::float8 AS e, ${METRIC(2)} AS v
           FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded'),
       s AS (SELECT count(v)::int AS n, min(v) AS lo, coalesce(nullif(max(v) - min(v), 0), 1) AS span FROM t)
       ${[...perColumn('a', 'trainable'), ...perColumn('e', 'effective')].join('\n       UNION ALL ')}
       UNION ALL
       (SELECT 'top', 'trainable', a, v, 1, id, ordinal FROM t WHERE v IS NOT NULL ORDER BY v ${o.maximize ? 'DESC' : 'ASC'}, ordinal LIMIT ${TOP_TRIALS})
       UNION ALL
       SELECT 'count', 'trainable', 0, 0, n, NULL, NULL FROM s`,
      [sweepId, metric, o.maxPoints ?? 4000],
    );
    const binned = rows.some((r) => r.kind === 'count' && Number(r.n) > (o.maxPoints ?? 4000));
    const out: Record<ParamCountColumn, Scatter> = {
      trainable: { column: 'trainable', total: 0, zeroCount: 0, binned, points: [], front: [] },
      effective: { column: 'effective', total: 0, zeroCount: 0, binned, points: [], front: [] },
    };
    const best: Record<ParamCountColumn, { x: number; y: number; trialId: string; ordinal: number }[]> = { trainable: [], effective: [] };
    const top: { id: string; v: number; ordinal: number }[] = [];
    for (const r of rows) {
      const s = out[r.col];
      if (r.kind === 'count') continue;
      if (r.kind === 'top') top.push({ id: r.id!, v: Number(r.y), ordinal: Number(r.ordinal) });
      else if (r.kind === 'zero') s.zeroCount = Number(r.n);
      else if (r.kind === 'best') best[r.col].push({ x: Number(r.x), y: Number(r.y), trialId: r.id!, ordinal: Number(r.ordinal) });
      else {
        s.points.push(r.kind === 'bin' ? [Number(r.x), Number(r.y), Number(r.n)] : [Number(r.x), Number(r.y), r.id!]);
        s.total += Number(r.n);
      }
    }
    const fronts = { trainable: paretoFront(best.trainable, o.maximize), effective: paretoFront(best.effective, o.maximize) };
    const ids = [...new Set([...fronts.trainable, ...fronts.effective].map((f) => f.trialId))];
    const params = new Map<string, JsonObject>();
    if (ids.length > 0) {
      const { rows: p } = await this.pool.query<{ id: string; params: JsonObject }>(`SELECT id, params FROM trial WHERE id = ANY($1::uuid[])`, [ids]);
      for (const r of p) params.set(r.id, r.params);
    }
    for (const col of ['trainable', 'effective'] as const) {
      out[col].points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      out[col].front = fronts[col].map((f) => ({ ...f, params: params.get(f.trialId) ?? {} }));
    }
    top.sort((a, b) => (o.maximize ? b.v - a.v : a.v - b.v) || a.ordinal - b.ordinal);
    return { ...out, top: top.map((t) => t.id) };
  }

  /** Ids of the `n` best succeeded trials by the metric. */
  async topTrials(sweepId: string, metric: string, maximize: boolean, n: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded' AND jsonb_typeof(metrics->$2) = 'number'
        ORDER BY (metrics->>$2)::float8 ${maximize ? 'DESC' : 'ASC'}, ordinal LIMIT $3::int`,
      [sweepId, metric, n],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Learning curves of some of a sweep's trials (the attempt that produced the result, else the
   * latest), each thinned to at most `maxPoints` evenly spaced points (the last one kept).
   */
  async curves(sweepId: string, trialIds: readonly string[], maxPoints = 400): Promise<TrialCurve[]> {
    if (trialIds.length === 0) return [];
    const [trials, steps] = await Promise.all([
      this.pool.query<{ id: string; ordinal: number; status: TrialStatus; params: JsonObject; metrics: Metrics | null }>(
        `SELECT id, ordinal, status, params, metrics FROM trial WHERE sweep_id = $1::uuid AND id = ANY($2::uuid[]) ORDER BY ordinal`,
        [sweepId, trialIds],
      ),
      this.pool.query<{ trial_id: string; step: number; metrics: Metrics; total: number; rn: number }>(
        `SELECT trial_id, step, metrics, total::int AS total, rn::int AS rn FROM (
           SELECT s.trial_id, s.step, s.metrics, count(*) OVER w AS total, row_number() OVER (w ORDER BY s.step) AS rn
             FROM trial t JOIN trial_step s ON s.trial_id = t.id AND s.attempt = coalesce(t.result_attempt, t.attempts)
            WHERE t.sweep_id = $1::uuid AND t.id = ANY($2::uuid[])
           WINDOW w AS (PARTITION BY s.trial_id)) q
          WHERE total <= $3::int OR rn = total OR (rn - 1) % ceil(total::float8 / $3::int)::int = 0
          ORDER BY trial_id, step`,
        [sweepId, trialIds, maxPoints],
      ),
    ]);
    const byTrial = new Map<string, TrialCurve>();
    for (const t of trials.rows) {
      byTrial.set(t.id, { trialId: t.id, ordinal: t.ordinal, status: t.status, params: t.params, metrics: t.metrics, stored: 0, points: [] });
    }
    for (const s of steps.rows) {
      const c = byTrial.get(s.trial_id);
      if (!c) continue;
      c.stored = Number(s.total);
      c.points.push({ step: s.step, metrics: s.metrics });
    }
    return [...byTrial.values()];
  }

  /** Schedules that fired or re-run each of these sweeps. */
  async schedulesOf(sweepIds: readonly string[]): Promise<Map<string, SweepScheduleRef[]>> {
    const out = new Map<string, SweepScheduleRef[]>();
    if (sweepIds.length === 0) return out;
    const { rows } = await this.pool.query<{ sweep_id: string; id: string; name: string; cron: string; time_zone: string; paused: boolean; role: 'run' | 'source' }>(
      `SELECT s.id AS sweep_id, sc.id, sc.name, sc.cron, sc.time_zone, sc.paused, 'run' AS role
         FROM sweep s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.id = ANY($1::uuid[])
       UNION ALL
       SELECT sc.source_sweep_id, sc.id, sc.name, sc.cron, sc.time_zone, sc.paused, 'source'
         FROM schedule sc WHERE sc.source_sweep_id = ANY($1::uuid[])`,
      [sweepIds],
    );
    for (const r of rows) {
      const list = out.get(r.sweep_id) ?? [];
      list.push({ id: r.id, name: r.name, cron: r.cron, timeZone: r.time_zone, paused: r.paused, role: r.role });
      out.set(r.sweep_id, list);
    }
    return out;
  }

  /**
   * What the aggregates need to know of a sweep; null when there is no such sweep. `updatedAt`
   * moves whenever a trial's state changes (the dispatchers refresh the sweep's status after each
   * result, and cancel and retry touch it), so it keys caches of anything computed from results.
   */
  async sweepMeta(sweepId: string): Promise<{ name: string; metric: string; maximize: boolean; trialCount: number; updatedAt: string } | null> {
    const { rows } = await this.pool.query<{ name: string; metric: string; maximize: boolean; trial_count: number; updated: string }>(
      `SELECT name, metric, maximize, trial_count, (extract(epoch FROM updated_at) * 1000)::bigint::text AS updated FROM sweep WHERE id = $1::uuid`,
      [sweepId],
    );
    const r = rows[0];
    return r ? { name: r.name, metric: r.metric, maximize: r.maximize, trialCount: Number(r.trial_count), updatedAt: r.updated } : null;
  }

  /** A trial's adapter with what names its file; null when there is no such trial. */
  async trialAdapter(trialId: string): Promise<{ adapter: JsonObject | null; ordinal: number; sweepName: string } | null> {
    const { rows } = await this.pool.query<{ adapter: JsonObject | null; ordinal: number; name: string }>(
      `SELECT t.adapter, t.ordinal, s.name FROM trial t JOIN sweep s ON s.id = t.sweep_id WHERE t.id = $1::uuid`,
      [trialId],
    );
    const r = rows[0];
    return r ? { adapter: r.adapter, ordinal: r.ordinal, sweepName: r.name } : null;
  }
}

import type { Database } from './database.js';
import type { JsonObject, Metrics, TrialStatus } from './domain.js';

/**
 * Read-only aggregation over a sweep's trials for the results board: every figure is computed by
 * Postgres (GROUP BY over the sweep's rows), so a 100,000-trial sweep travels as a few hundred
 * numbers, never as 100,000 rows. Metrics and parameter paths are always bound as query
 * parameters (`$n`), never spliced into the SQL.
 *
 * A trial's metric value is `metrics->name` when it is a JSON number; trials that are not
 * `succeeded`, or lack the metric, are left out of every aggregate.
 */

/** A path into a trial's params, e.g. ['adapter', 'rank']. */
export type ParamPath = readonly string[];

/** Which parameter count a scatter is drawn against. */
export type ParamCountColumn = 'trainable' | 'effective';

/** Count, mean and spread of one group of metric values (CI is added by the caller). */
export interface GroupStats {
  n: number;
  mean: number;
  /** Sample standard deviation; null when n = 1. */
  std: number | null;
  min: number;
  max: number;
}

/** One distinct value of a parameter, as text (`params #>> path`; null when absent). */
export interface FacetValue {
  value: string | null;
  count: number;
}

export interface ParamFacet {
  /** Dotted path: 'adapter.rank'. */
  path: string;
  /** Number of distinct values over the whole sweep. */
  distinct: number;
  /** The most frequent values (at most `maxValues`), most frequent first. */
  values: FacetValue[];
  /** Smallest and largest value when every value is a number. */
  numeric: { min: number; max: number } | null;
}

/** One heatmap cell: trials whose params have (x, y), pooled over seeds and anything else that varies. */
export interface GridCell extends GroupStats {
  x: string | null;
  y: string | null;
  /** Distinct configs (seed replicates collapsed) in the cell. */
  configs: number;
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

/** One line of a series chart: a config (params without seed and without the x parameter). */
export interface SeriesLine {
  config: JsonObject;
  points: (GroupStats & { x: string | null })[];
}

export interface Series {
  /** Configs in the sweep that have at least one value. */
  configs: number;
  lines: SeriesLine[];
}

/** The seed replicates of one config. */
export interface ReplicateGroup extends GroupStats {
  groupHash: string;
  /** Params without seed. */
  params: JsonObject;
  /** One trial of the group (to link to). */
  trialId: string;
  /** The first replicates' values, by seed (at most 50). */
  values: number[];
}

export interface ReplicatePage {
  /** Configs with at least one value. */
  total: number;
  items: ReplicateGroup[];
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

const METRIC = (n: number) => `(CASE WHEN jsonb_typeof(metrics->$${n}) = 'number' THEN (metrics->>$${n})::float8 END)`;
const COUNT_COLUMNS: Record<ParamCountColumn, string> = { trainable: 'trainable_params', effective: 'effective_params' };

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const stats = (r: { n: unknown; mean: unknown; std: unknown; min: unknown; max: unknown }): GroupStats => ({
  n: num(r.n),
  mean: num(r.mean),
  std: numOrNull(r.std),
  min: num(r.min),
  max: num(r.max),
});

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

/** Compares facet values: numbers by value, then text. */
export function compareFacetValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const na = Number(a);
  const nb = Number(b);
  const aNum = a.trim() !== '' && Number.isFinite(na);
  const bNum = b.trim() !== '' && Number.isFinite(nb);
  if (aNum && bNum) return na - nb;
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : 1;
}

export class AggregateRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
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

  /** Distinct values of each path over all the sweep's trials (one scan). */
  async facets(sweepId: string, paths: readonly ParamPath[], maxValues = 60): Promise<ParamFacet[]> {
    if (paths.length === 0) return [];
    const { rows } = await this.pool.query<{ i: number; v: string | null; n: number; d: number; all_numeric: boolean; lo: number | null; hi: number | null }>(
      `WITH p AS (
         SELECT (a.ord - 1)::int AS i, ARRAY(SELECT jsonb_array_elements_text(a.x)) AS path
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS a(x, ord)),
       g AS (
         SELECT p.i, t.params #>> p.path AS v, jsonb_typeof(t.params #> p.path) AS kind, count(*)::int AS n
           FROM trial t CROSS JOIN p WHERE t.sweep_id = $1::uuid GROUP BY p.i, 2, 3),
       r AS (
         SELECT i, v, n,
                count(*) OVER w AS d,
                bool_and(kind = 'number') OVER w AS all_numeric,
                min(CASE WHEN kind = 'number' THEN v::float8 END) OVER w AS lo,
                max(CASE WHEN kind = 'number' THEN v::float8 END) OVER w AS hi,
                row_number() OVER (PARTITION BY i ORDER BY n DESC, v) AS rn
           FROM g WINDOW w AS (PARTITION BY i))
       SELECT i, v, n, d::int AS d, all_numeric, lo, hi FROM r WHERE rn <= $3::int`,
      [sweepId, JSON.stringify(paths), maxValues],
    );
    const out: ParamFacet[] = paths.map((p) => ({ path: p.join('.'), distinct: 0, values: [], numeric: null }));
    for (const r of rows) {
      const f = out[r.i];
      if (!f) continue;
      f.distinct = Number(r.d);
      f.values.push({ value: r.v, count: Number(r.n) });
      if (r.all_numeric && r.lo !== null && r.hi !== null) f.numeric = { min: Number(r.lo), max: Number(r.hi) };
    }
    for (const f of out) f.values.sort((a, b) => compareFacetValues(a.value, b.value));
    return out;
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

  /** The metric grouped by one or two parameters (a heatmap, or bars when `y` is absent). */
  async grid(sweepId: string, metric: string, x: ParamPath, y?: ParamPath): Promise<GridCell[]> {
    const { rows } = await this.pool.query(
      `SELECT x, y, count(*)::int AS n, avg(v) AS mean, stddev_samp(v) AS std, min(v) AS min, max(v) AS max,
              count(DISTINCT group_hash)::int AS configs
         FROM (SELECT params #>> $3::text[] AS x, ${y ? 'params #>> $4::text[]' : 'NULL::text'} AS y, group_hash, ${METRIC(2)} AS v
                 FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded') t
        WHERE v IS NOT NULL
        GROUP BY x, y`,
      y ? [sweepId, metric, x, y] : [sweepId, metric, x],
    );
    return rows
      .map((r) => ({ x: r.x as string | null, y: r.y as string | null, configs: Number(r.configs), ...stats(r) }))
      .sort((a, b) => compareFacetValues(a.x, b.x) || compareFacetValues(a.y, b.y));
  }

  /**
   * The metric against a parameter count, with its Pareto front. Up to `maxPoints` trials come as
   * one point each; beyond that as bins (exact x when the sweep has at most 400 distinct counts,
   * else 2.5% steps of log x; 100 steps of y), each with its trial count.
   */
  async scatter(sweepId: string, metric: string, column: ParamCountColumn, maximize: boolean, maxPoints = 4000): Promise<Scatter> {
    const col = COUNT_COLUMNS[column];
    const base = `SELECT id, ordinal, ${col}::float8 AS x, ${METRIC(2)} AS v FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded' AND ${col} IS NOT NULL`;
    const [summary, frontRows] = await Promise.all([
      this.pool.query<{ n: number; zero: number; lo: number | null; hi: number | null; dx: number }>(
        `SELECT count(*) FILTER (WHERE x > 0)::int AS n, count(*) FILTER (WHERE x <= 0)::int AS zero,
                min(v) FILTER (WHERE x > 0) AS lo, max(v) FILTER (WHERE x > 0) AS hi, count(DISTINCT x) FILTER (WHERE x > 0)::int AS dx
           FROM (${base}) t WHERE v IS NOT NULL`,
        [sweepId, metric],
      ),
      // Best trial at each x; the front is a subset of these.
      this.pool.query<{ id: string; ordinal: number; x: number; v: number }>(
        `SELECT DISTINCT ON (x) id, ordinal, x, v FROM (${base}) t WHERE v IS NOT NULL AND x > 0
          ORDER BY x, v ${maximize ? 'DESC' : 'ASC'}, ordinal`,
        [sweepId, metric],
      ),
    ]);
    const s = summary.rows[0] ?? { n: 0, zero: 0, lo: null, hi: null, dx: 0 };
    const front = paretoFront(frontRows.rows.map((r) => ({ x: Number(r.x), y: Number(r.v), trialId: r.id, ordinal: r.ordinal })), maximize);
    const params = new Map<string, JsonObject>();
    if (front.length > 0) {
      const { rows } = await this.pool.query<{ id: string; params: JsonObject }>(`SELECT id, params FROM trial WHERE id = ANY($1::uuid[])`, [front.map((f) => f.trialId)]);
      for (const r of rows) params.set(r.id, r.params);
    }
    const result: Scatter = {
      column,
      total: Number(s.n),
      zeroCount: Number(s.zero),
      binned: Number(s.n) > maxPoints,
      points: [],
      front: front.map((f) => ({ ...f, params: params.get(f.trialId) ?? {} })),
    };
    if (Number(s.n) === 0) return result;
    if (!result.binned) {
      const { rows } = await this.pool.query<{ id: string; x: number; v: number }>(
        `SELECT id, x, v FROM (${base}) t WHERE v IS NOT NULL AND x > 0 ORDER BY x, ordinal`,
        [sweepId, metric],
      );
      result.points = rows.map((r) => [Number(r.x), Number(r.v), r.id]);
      return result;
    }
    const lo = Number(s.lo);
    const span = Number(s.hi) - lo || 1;
    const exactX = Number(s.dx) <= 400;
    const { rows } = await this.pool.query<{ x: number; y: number; n: number }>(
      `SELECT ${exactX ? 'x' : 'exp(avg(ln(x)))'} AS x, avg(v) AS y, count(*)::int AS n
         FROM (${base}) t WHERE v IS NOT NULL AND x > 0
        GROUP BY ${exactX ? 'x' : 'round(ln(x) * 40)'}, least(floor((v - $3::float8) / $4::float8 * 100), 99)`,
      [sweepId, metric, lo, span],
    );
    result.points = rows.map((r) => [Number(r.x), Number(r.y), Number(r.n)]);
    return result;
  }

  /**
   * The metric against one parameter, one line per config (params without seed and without x),
   * replicates pooled: the `limit` configs with the best value anywhere on their line.
   */
  async series(sweepId: string, metric: string, x: ParamPath, maximize: boolean, limit = 8): Promise<Series> {
    const { rows } = await this.pool.query(
      `WITH t AS (
         SELECT (params #- $3::text[]) - 'seed' AS config, params #>> $3::text[] AS x, ${METRIC(2)} AS v
           FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded'),
       g AS (
         SELECT config, x, count(*)::int AS n, avg(v) AS mean, stddev_samp(v) AS std, min(v) AS min, max(v) AS max
           FROM t WHERE v IS NOT NULL GROUP BY config, x),
       c AS (
         SELECT config, ${maximize ? 'max' : 'min'}(mean) AS best, count(*) OVER () AS total
           FROM g GROUP BY config ORDER BY best ${maximize ? 'DESC' : 'ASC'} LIMIT $4::int)
       SELECT c.config, c.best, c.total::int AS total, g.x, g.n, g.mean, g.std, g.min, g.max
         FROM c JOIN g ON g.config = c.config
        ORDER BY c.best ${maximize ? 'DESC' : 'ASC'}, c.config::text`,
      [sweepId, metric, x, limit],
    );
    const lines = new Map<string, SeriesLine>();
    let configs = 0;
    for (const r of rows) {
      configs = Number(r.total);
      const key = JSON.stringify(r.config);
      let line = lines.get(key);
      if (!line) lines.set(key, (line = { config: r.config as JsonObject, points: [] }));
      line.points.push({ x: r.x as string | null, ...stats(r) });
    }
    for (const line of lines.values()) line.points.sort((a, b) => compareFacetValues(a.x, b.x));
    return { configs, lines: [...lines.values()] };
  }

  /** Configs (seed replicates grouped by group_hash) ranked by their mean, best first. */
  async replicates(sweepId: string, metric: string, maximize: boolean, limit = 20, offset = 0): Promise<ReplicatePage> {
    const { rows } = await this.pool.query(
      `WITH g AS (
         SELECT group_hash, count(*)::int AS n, avg(v) AS mean, stddev_samp(v) AS std, min(v) AS min, max(v) AS max,
                min(id::text) AS rep, (array_agg(v ORDER BY seed))[1:50] AS vals, count(*) OVER () AS total
           FROM (SELECT id, group_hash, seed, ${METRIC(2)} AS v FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded') t
          WHERE v IS NOT NULL
          GROUP BY group_hash
          ORDER BY mean ${maximize ? 'DESC' : 'ASC'}, group_hash
          LIMIT $3::int OFFSET $4::int)
       SELECT g.*, g.total::int AS total_configs, tr.params - 'seed' AS params
         FROM g JOIN trial tr ON tr.id = g.rep::uuid
        ORDER BY g.mean ${maximize ? 'DESC' : 'ASC'}, g.group_hash`,
      [sweepId, metric, limit, offset],
    );
    let total = Number(rows[0]?.total_configs ?? 0);
    if (rows.length === 0 && offset > 0) {
      const { rows: c } = await this.pool.query<{ n: number }>(
        `SELECT count(DISTINCT group_hash)::int AS n FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded' AND jsonb_typeof(metrics->$2) = 'number'`,
        [sweepId, metric],
      );
      total = Number(c[0]?.n ?? 0);
    }
    return {
      total,
      items: rows.map((r) => ({
        groupHash: r.group_hash as string,
        params: r.params as JsonObject,
        trialId: r.rep as string,
        values: (r.vals as unknown[]).map(Number),
        ...stats(r),
      })),
    };
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

  /** What the aggregates need to know of a sweep; null when there is no such sweep. */
  async sweepMeta(sweepId: string): Promise<{ name: string; metric: string; maximize: boolean; trialCount: number } | null> {
    const { rows } = await this.pool.query<{ name: string; metric: string; maximize: boolean; trial_count: number }>(
      `SELECT name, metric, maximize, trial_count FROM sweep WHERE id = $1::uuid`,
      [sweepId],
    );
    const r = rows[0];
    return r ? { name: r.name, metric: r.metric, maximize: r.maximize, trialCount: Number(r.trial_count) } : null;
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

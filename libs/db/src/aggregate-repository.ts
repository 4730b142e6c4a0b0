import { SWEEP_VERSION } from './sweep-version.js';
import type { Database } from './database.js';
import type { JsonObject, Metrics, TrialStatus } from './domain.js';

/**
 * Read-only aggregation over a sweep's trials for the results board. Two statements read a
 * sweep's trials per metric and change of its results, side by side on two cores (`configPass`:
 * one row per config, seed replicates collapsed by group_hash; `scatterPass`: parameter-count
 * scatters and the best trial per count, which the API picks Pareto fronts from), each taking the metric out of every trial's JSON once, so a
 * 100,000-trial sweep leaves the database as 10,000 config rows and a couple of thousand bins,
 * never as 100,000 rows; the API combines configs into cells and lines. Metric names and parameter paths
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
  /**
   * For a metric measured as a proportion of held-out items (every replicate reports `eval_n`, and
   * value × eval_n is a whole number in [0, eval_n]): the items over all replicates and the hits
   * among them, for a pooled binomial interval. Absent otherwise.
   */
  items?: number;
  hits?: number;
}

/** One config of a sweep (its seed replicates) from {@link AggregateRepository.configPass}. */
export interface ConfigRow {
  groupHash: string;
  /** Trials of the config, whatever their status. */
  trials: number;
  failed: number;
  /** One of its trials: its params, the seed aside, are the config's. */
  trialId: string;
  /** `params #>> path` for each of the paths the pass was given; empty without them. */
  keys: (string | null)[];
  /** The metric over the replicates that have it; null when none has. */
  metric: GroupMetric | null;
}

/** What {@link AggregateRepository.configPass} returns. */
export interface ConfigPass {
  configs: ConfigRow[];
  /** Trials per seed, by seed; empty without `paths`. */
  seeds: FacetValue[];
}

/** What {@link AggregateRepository.scatterPass} returns. */
export interface ScatterPass {
  trainable: ScatterRows;
  effective: ScatterRows;
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

/**
 * The best trial at one parameter count (the lowest ordinal among equals, the trial libs/search's
 * paretoFront keeps of equal points): no other trial at that count can be on the scatter's Pareto
 * front, so these are all the front is chosen from (apps/api, with the paretoFront GET
 * /sweeps/:id/front uses). Counts of 0 are among them: a log axis cannot draw them, but what they
 * dominate is off the front.
 */
export interface CountBest {
  x: number;
  y: number;
  trialId: string;
  ordinal: number;
}

/** A trial's adapter method: `params.adapter.method`, `tinylora` when it has none (the spec's default). */
export const DEFAULT_ADAPTER_METHOD = 'tinylora';

/** One parameter-count scatter as read: what the board draws, and the candidates for its front. */
export interface ScatterRows {
  column: ParamCountColumn;
  /** Succeeded trials with the metric and a parameter count > 0. */
  total: number;
  /** Trials left out because their count is 0 (a log axis cannot show them). */
  zeroCount: number;
  /** False: one point per trial. True: points are bins, the third number their trial count. */
  binned: boolean;
  points: ScatterPoint[];
  /** The best trial at each count ≥ 0, by count. */
  best: CountBest[];
  /**
   * The adapter methods of the trials, by name, each with its best trial per count; `pointMethod`
   * is each point's index into it (bins never mix methods). One method: one entry.
   */
  methods: { method: string; best: CountBest[] }[];
  pointMethod: number[];
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

/** The columns of the passes' rows ({@link AggregateRepository.configPass}, `scatterPass`), each part filling those it uses. */
const PASS_COLUMNS = {
  kind: 'text',
  key: 'text',
  n: 'int',
  x: 'float8',
  y: 'float8',
  m2: 'float8',
  lo: 'float8',
  hi: 'float8',
  trials: 'int',
  failed: 'int',
  id: 'uuid',
  ordinal: 'int',
  keys: 'text[]',
  items: 'float8',
  hits: 'float8',
  counted: 'int',
  method: 'text',
} as const;

type PassRow = { kind: 'config' | 'seed' | 'bin' | 'point' | 'zero' | 'best' | 'count' } & {
  [K in Exclude<keyof typeof PASS_COLUMNS, 'kind'>]: K extends 'keys' ? (string | null)[] | null : K extends 'key' | 'id' | 'method' ? string | null : number | null;
};

/** One part of the pass's UNION ALL: `SELECT [distinct] <every column, NULL where not given> <rest>`. */
function select(columns: Partial<Record<keyof typeof PASS_COLUMNS, string>>, rest: string, distinct = ''): string {
  const list = Object.entries(PASS_COLUMNS).map(([name, type]) => `(${columns[name as keyof typeof PASS_COLUMNS] ?? 'NULL'})::${type} AS ${name}`);
  return `SELECT ${distinct} ${list.join(', ')} ${rest}`;
}

/** scatterPass's rows as two scatters: points by count, best trials per method and overall. */
function scatterRows(rows: readonly PassRow[], maxPoints: number, maximize: boolean): ScatterPass {
  const empty = (column: ParamCountColumn): ScatterRows => ({ column, total: 0, zeroCount: 0, binned: false, points: [], best: [], methods: [], pointMethod: [] });
  const out: ScatterPass = { trainable: empty('trainable'), effective: empty('effective') };
  const methods = [...new Set(rows.flatMap((r) => (r.method === null ? [] : [r.method])))].sort();
  const index = new Map(methods.map((m, i) => [m, i]));
  const points: Record<ParamCountColumn, { p: ScatterPoint; m: number }[]> = { trainable: [], effective: [] };
  for (const col of ['trainable', 'effective'] as const) out[col].methods = methods.map((method) => ({ method, best: [] }));
  for (const r of rows) {
    if (r.kind === 'count') out.trainable.binned = out.effective.binned = Number(r.n) > maxPoints;
    else if (r.kind === 'zero') out[r.key as ParamCountColumn].zeroCount = Number(r.n);
    else if (r.kind === 'best') out[r.key as ParamCountColumn].methods[index.get(r.method!)!]!.best.push({ x: Number(r.x), y: Number(r.y), trialId: r.id!, ordinal: Number(r.ordinal) });
    else if (r.kind === 'bin' || r.kind === 'point') {
      points[r.key as ParamCountColumn].push({ p: r.kind === 'bin' ? [Number(r.x), Number(r.y), Number(r.n)] : [Number(r.x), Number(r.y), r.id!], m: index.get(r.method!)! });
      out[r.key as ParamCountColumn].total += Number(r.n);
    }
  }
  const better = (a: CountBest, b: CountBest) => (a.y !== b.y ? (maximize ? a.y > b.y : a.y < b.y) : a.ordinal < b.ordinal);
  for (const col of ['trainable', 'effective'] as const) {
    const s = out[col];
    points[col].sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1] || a.m - b.m);
    s.points = points[col].map((q) => q.p);
    s.pointMethod = points[col].map((q) => q.m);
    // The best trial at a count over all methods, tied ones by ordinal (what DISTINCT ON did per method).
    const overall = new Map<number, CountBest>();
    for (const m of s.methods) {
      m.best.sort((a, b) => a.x - b.x);
      for (const b of m.best) {
        const held = overall.get(b.x);
        if (!held || better(b, held)) overall.set(b.x, b);
      }
    }
    s.best = [...overall.values()].sort((a, b) => a.x - b.x);
  }
  return out;
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
   * A sweep's configs for one metric, in one read of its trials (the metric taken out of each
   * one's JSON once) hashed into one row per config (group_hash): trials, failed, the metric's n,
   * mean, m2, min, max over the succeeded replicates that have it, and one of its trials (whose
   * params, seed aside, are the config's). No per-config array: that would make Postgres sort the
   * sweep instead of hashing it.
   *
   * With `paths` (a sweep's first pass) the same read also counts trials per seed (a second
   * grouping set), and each config gets the text of each path in its trial's params
   * (`params #>> path`, what the trials page filters on: a primary-key read per config). The
   * config table never changes once a sweep is stored: callers that kept it ask without `paths`,
   * and no params are read. {@link scatterPass} is the other half of what the board draws; the two
   * are separate statements so that they run side by side on two cores.
   */
  async configPass(sweepId: string, metric: string, o: { paths?: readonly ParamPath[] } = {}): Promise<ConfigPass> {
    const paths = o.paths ?? null;
    const config = {
      kind: `'config'`, key: 'g.group_hash', n: 'g.n', y: 'g.mean', m2: 'g.m2', lo: 'g.lo', hi: 'g.hi', trials: 'g.trials', failed: 'g.failed', id: 'g.first',
      items: 'g.items', hits: 'g.hits', counted: 'g.counted',
    };
    // Each path is a bound text[] ($3, $4, …): `params #>> $n` per config, no subquery per row.
    const keys = paths && (paths.length === 0 ? `'{}'::text[]` : `ARRAY[${paths.map((_, i) => `tr.params #>> $${i + 3}::text[]`).join(', ')}]`);
    const rows = await this.heavy<PassRow>(
      `WITH g AS MATERIALIZED (
         SELECT ${paths ? 'GROUPING(seed) = 1' : 'true'} AS per_config, group_hash, ${paths ? 'seed' : 'NULL::int AS seed'}, any_value(id) AS first,
                count(*) AS trials, count(*) FILTER (WHERE status = 'failed') AS failed,
                count(v) AS n, avg(v) AS mean, coalesce(var_pop(v) * count(v), 0) AS m2, min(v) AS lo, max(v) AS hi,
                sum(e) AS items, sum(round(v * e)) AS hits, count(e) AS counted
           FROM (SELECT id, group_hash, seed, status, v,
                        -- held-out items behind a proportion: v is k/eval_n for a whole k
                        CASE WHEN v BETWEEN 0 AND 1 AND e > 0 AND abs(v * e - round(v * e)) < 1e-6 THEN e END AS e
                   FROM (SELECT id, group_hash, seed, status, CASE WHEN status = 'succeeded' THEN ${METRIC(2)} END AS v,
                                CASE WHEN jsonb_typeof(metrics->'eval_n') = 'number' THEN (metrics->>'eval_n')::float8 END AS e
                           FROM trial WHERE sweep_id = $1::uuid) r) t
          GROUP BY ${paths ? 'GROUPING SETS ((group_hash), (seed))' : 'group_hash'})
       ${
         keys
           ? `${select({ ...config, keys }, 'FROM g JOIN trial tr ON tr.id = g.first WHERE g.per_config')}
       UNION ALL ${select({ kind: `'seed'`, key: 'g.seed::text', n: 'g.trials' }, 'FROM g WHERE NOT g.per_config')}`
           : select(config, 'FROM g')
       }`,
      [sweepId, metric, ...(paths ?? [])],
    );
    const out: ConfigPass = { configs: [], seeds: [] };
    for (const r of rows) {
      if (r.kind === 'config') {
        const n = Number(r.n);
        out.configs.push({
          groupHash: r.key!,
          trials: Number(r.trials),
          failed: Number(r.failed),
          trialId: r.id!,
          keys: r.keys ?? [],
          metric:
            n > 0
              ? {
                  groupHash: r.key!, n, mean: Number(r.y), m2: Number(r.m2 ?? 0), min: Number(r.lo), max: Number(r.hi),
                  ...(Number(r.counted) === n ? { items: Number(r.items), hits: Number(r.hits) } : {}),
                }
              : null,
        });
      } else if (r.kind === 'seed') {
        out.seeds.push({ value: r.key, count: Number(r.n) });
      }
    }
    out.seeds.sort((a, b) => Number(a.value) - Number(b.value));
    return out;
  }

  /**
   * The metric against trainable and against effective parameters, each with the best trial at each
   * count (what its Pareto front is chosen from), in one read of the sweep's succeeded trials
   * (materialized once, grouped several ways). When the trials with the metric are at most
   * `maxPoints`, one point per trial; else bins of 5% of log x (the exact x when a bin holds one
   * count) × 1/30 of the metric's range, each with its trial count: a couple of thousand symbols at
   * most, each a few pixels apart on the board's plot (finer bins only cost the browser time to draw
   * what the eye cannot tell apart). The best trials per count are exact either way, so the fronts
   * are too. (The best trials by the metric: SweepRepository.leaders.) Points, bins and best trials
   * are per adapter method (`params.adapter.method`), so the board can colour a method comparison;
   * the overall best per count is taken from the methods' here.
   */
  async scatterPass(sweepId: string, metric: string, o: { maximize: boolean; maxPoints?: number }): Promise<ScatterPass> {
    const maxPoints = o.maxPoints ?? 4000;
    const parts: string[] = [];
    // Raw points or bins is decided inside the query (by the count in s), so nothing has to be
    // read first: both branches are there, and only one returns rows.
    for (const [col, name] of [
      ['a', 'trainable'],
      ['e', 'effective'],
    ] as const) {
      parts.push(
        select(
          { kind: `'bin'`, key: `'${name}'`, x: `CASE WHEN min(${col}) = max(${col}) THEN min(${col}) ELSE exp(avg(ln(${col}))) END`, y: 'avg(v)', n: 'count(*)', method: 'm' },
          `FROM t CROSS JOIN s WHERE s.n > $3::int AND ${col} > 0 AND v IS NOT NULL
            GROUP BY m, round(ln(${col}) * 20), least(greatest(floor((v - s.lo) / s.span * 30), 0), 29)`,
        ),
        select({ kind: `'point'`, key: `'${name}'`, x: col, y: 'v', n: '1', id: 'id', ordinal: 'ordinal', method: 'm' }, `FROM t CROSS JOIN s WHERE s.n <= $3::int AND ${col} > 0 AND v IS NOT NULL`),
        select({ kind: `'zero'`, key: `'${name}'`, n: 'count(v)' }, `FROM t WHERE ${col} <= 0`),
        // The best value at each method's count by hashing, then its first trial: no sort of the
        // whole sweep. Counts of 0 too: the front is chosen as GET /sweeps/:id/front chooses it.
        `(${select(
          { kind: `'best'`, key: `'${name}'`, x: `t.${col}`, y: 't.v', n: '1', id: 't.id', ordinal: 't.ordinal', method: 't.m' },
          `FROM t JOIN (SELECT m, ${col} AS x, ${o.maximize ? 'max' : 'min'}(v) AS v FROM t WHERE ${col} >= 0 GROUP BY m, ${col}) b ON t.m = b.m AND t.${col} = b.x AND t.v = b.v
           ORDER BY t.m, t.${col}, t.ordinal`,
          `DISTINCT ON (t.m, t.${col})`,
        )})`,
      );
    }
    parts.push(select({ kind: `'count'`, n: 's.n' }, 'FROM s'));
    const rows = await this.heavy<PassRow>(
      `WITH t AS MATERIALIZED (
         SELECT id, ordinal, trainable_params::float8 AS a, effective_params::float8 AS e, ${METRIC(2)} AS v,
                coalesce(params #>> '{adapter,method}', '${DEFAULT_ADAPTER_METHOD}') AS m
           FROM trial WHERE sweep_id = $1::uuid AND status = 'succeeded'),
       s AS (SELECT count(v)::int AS n, min(v) AS lo, coalesce(nullif(max(v) - min(v), 0), 1) AS span FROM t)
       ${parts.join('\n       UNION ALL ')}`,
      [sweepId, metric, maxPoints],
    );
    return scatterRows(rows, maxPoints, o.maximize);
  }

  /**
   * Leaf paths of the sweep's params (objects are walked; arrays and scalars are leaves; the seed
   * left out), sorted by their dotted text, read from `sample` trials spread evenly over the
   * sweep's ordinals (found through the (sweep_id, ordinal) index, so a 100,000-trial sweep costs
   * a few thousand index reads, not a scan).
   */
  async paramPaths(sweepId: string, trialCount: number, sample = 500): Promise<string[][]> {
    const step = Math.max(1, Math.floor(trialCount / sample));
    const ordinals = Array.from({ length: Math.min(sample, Math.max(trialCount, 1)) }, (_, i) => i * step);
    const { rows } = await this.pool.query<{ path: string[] }>(
      `WITH RECURSIVE s AS (
         SELECT params FROM trial WHERE sweep_id = $1::uuid AND ordinal = ANY($2::int[])
         UNION ALL -- and a few in index order, should the ordinals not be 0 … n − 1
         (SELECT params FROM trial WHERE sweep_id = $1::uuid ORDER BY ordinal LIMIT 20)),
       walk(path, value) AS (
         SELECT ARRAY[e.key], e.value FROM s CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.params) = 'object' THEN s.params ELSE '{}'::jsonb END) e
         UNION ALL
         SELECT w.path || e.key, e.value
           FROM walk w CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(w.value) = 'object' THEN w.value ELSE '{}'::jsonb END) e)
       SELECT DISTINCT path FROM walk WHERE jsonb_typeof(value) <> 'object' AND path <> ARRAY['seed']`,
      [sweepId, ordinals],
    );
    return rows.map((r) => r.path).sort((a, b) => a.join('.').localeCompare(b.join('.')));
  }

  /** Params of some trials by id (the seed left out unless `withSeed`): a config's params from one of its trials, a front's trials. */
  async trialParams(trialIds: readonly string[], o: { withSeed?: boolean } = {}): Promise<Map<string, JsonObject>> {
    const out = new Map<string, JsonObject>();
    if (trialIds.length === 0) return out;
    const { rows } = await this.pool.query<{ id: string; params: JsonObject }>(
      `SELECT id, ${o.withSeed ? 'params' : `params - 'seed' AS params`} FROM trial WHERE id = ANY($1::uuid[])`,
      [trialIds],
    );
    for (const r of rows) out.set(r.id, r.params);
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

  /** Succeeded trials' metric values for a few configs, by config then seed (read through the (sweep_id, group_hash) index). */
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
        `SELECT trial_id, step::float8 AS step, metrics, total::int AS total, rn::int AS rn FROM (
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
  /** What the board keys its answers by: `version` moves with every change of the sweep row (BoardSnapshotRepository's SWEEP_VERSION). */
  async sweepMeta(sweepId: string): Promise<{ name: string; metric: string; maximize: boolean; trialCount: number; updatedAt: string; version: string } | null> {
    const { rows } = await this.pool.query<{ name: string; metric: string; maximize: boolean; trial_count: number; updated: string; version: string }>(
      `SELECT name, metric, maximize, trial_count, (extract(epoch FROM updated_at) * 1000)::bigint::text AS updated, ${SWEEP_VERSION('s')} AS version
         FROM sweep s WHERE id = $1::uuid`,
      [sweepId],
    );
    const r = rows[0];
    return r ? { name: r.name, metric: r.metric, maximize: r.maximize, trialCount: Number(r.trial_count), updatedAt: r.updated, version: r.version } : null;
  }

  /** A trial's adapter with what names its file; null when there is no such trial. */
  async trialAdapter(trialId: string): Promise<{ adapter: JsonObject | null; ordinal: number; sweepName: string; modelPath: string | null } | null> {
    const { rows } = await this.pool.query<{ adapter: JsonObject | null; ordinal: number; name: string; modelPath: string | null }>(
      `SELECT t.adapter, t.ordinal, s.name, t.params #>> '{model,path}' AS "modelPath" FROM trial t JOIN sweep s ON s.id = t.sweep_id WHERE t.id = $1::uuid`,
      [trialId],
    );
    const r = rows[0];
    return r ? { adapter: r.adapter, ordinal: r.ordinal, sweepName: r.name, modelPath: r.modelPath } : null;
  }
}

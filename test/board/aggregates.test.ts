/**
 * The board's aggregates against the rows they summarise: a sweep seeded straight into Postgres,
 * every figure AggregateRepository's passes (and the API's sweep-cube and config summaries on
 * top) compute is checked against the same figure computed here from all the trial rows.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateRepository, Database, migrate, SweepRepository, type ConfigPass, type GroupMetric } from '@tinysweep/db';
import { paretoFront } from '@tinysweep/search';
import { compareConfigs, summarise } from '../../apps/api/src/replicates/config-summary.js';
import { withFronts } from '../../apps/api/src/board/scatter-fronts.js';
import { grid, pool, series, type ConfigTable } from '../../apps/api/src/board/sweep-cube.js';
import { seedSweep } from '../../bench/board/seed-sweep.mjs';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

interface Row {
  id: string;
  ordinal: number;
  group_hash: string;
  seed: number;
  status: string;
  layers: string;
  rank: string;
  threshold: string;
  acc: number | null;
  trainable: number | null;
  effective: number | null;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('AggregateRepository on a seeded sweep', () => {
  let tpg: TestPostgres;
  let db: Database;
  let agg: AggregateRepository;
  let sweeps: SweepRepository;
  let pass: ConfigPass;
  let sweepId: string;
  let rows: Row[];
  let ok: Row[];
  let table: ConfigTable;
  let metrics: Map<string, GroupMetric>;
  let url: string;

  beforeAll(async () => {
    tpg = await startTestPostgres();
    url = await tpg.freshDatabase('board');
    await migrate(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    ({ sweepId } = await seedSweep(client, { trials: 3000, seeds: 3, steps: 12 }));
    rows = (
      await client.query<Row>(
        `SELECT id, ordinal, group_hash, seed, status::text, params #>> '{adapter,layers}' AS layers, params #>> '{adapter,rank}' AS rank,
                params #>> '{prune,threshold}' AS threshold, (metrics->>'accuracy')::float8 AS acc, trainable_params::float8 AS trainable, effective_params::float8 AS effective
           FROM trial WHERE sweep_id = $1`,
        [sweepId],
      )
    ).rows;
    await client.end();
    ok = rows.filter((r) => r.status === 'succeeded' && r.acc !== null);
    db = new Database(url);
    agg = new AggregateRepository(db);
    sweeps = new SweepRepository(db);
    // What the API's InsightsService does on a sweep's first pass.
    const paths = await agg.paramPaths(sweepId, 3000);
    pass = await agg.configPass(sweepId, 'accuracy', { paths });
    table = { paths: paths.map((p) => p.join('.')), groups: pass.configs.map((c) => ({ groupHash: c.groupHash, trials: c.trials, keys: c.keys })), seeds: pass.seeds };
    metrics = new Map(pass.configs.flatMap((c) => (c.metric ? [[c.groupHash, c.metric] as const] : [])));
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await tpg?.stop();
  });

  it('finds the parameter paths and one row per config with its trial count', () => {
    // every path a planned trial's params hold (the seed writes them as libs/spec plans them), seed aside
    expect(table.paths).toEqual([
      'adapter.layers', 'adapter.modules', 'adapter.rank', 'adapter.tie.mode', 'adapter.tie.n', 'adapter.u', 'model.path',
      'optimizer.batch', 'optimizer.iterations', 'optimizer.kind', 'optimizer.lr', 'optimizer.population', 'optimizer.sigma',
      'prune.retrainIterations', 'prune.threshold', 'task.kind',
    ]);
    expect(table.groups).toHaveLength(new Set(rows.map((r) => r.group_hash)).size);
    expect(table.groups.reduce((s, g) => s + g.trials, 0)).toBe(3000);
    expect(table.seeds).toEqual([1, 2, 3].map((s) => ({ value: String(s), count: 1000 })));
    const layersAt = table.paths.indexOf('adapter.layers');
    const one = rows[0]!;
    expect(table.groups.find((g) => g.groupHash === one.group_hash)!.keys[layersAt]).toBe(one.layers);
  });

  it('summarises each config over its succeeded seeds', () => {
    expect(metrics.size).toBe(new Set(ok.map((r) => r.group_hash)).size);
    for (const [hash, g] of [...metrics].slice(0, 50)) {
      const values = ok.filter((r) => r.group_hash === hash).map((r) => r.acc!);
      expect(g.n).toBe(values.length);
      expect(g.mean).toBeCloseTo(mean(values), 10);
      expect(g.m2).toBeCloseTo(values.reduce((s, v) => s + (v - mean(values)) ** 2, 0), 10);
      expect(g.min).toBe(Math.min(...values));
      expect(g.max).toBe(Math.max(...values));
    }
  });

  it('pools a heatmap cell exactly as all its trials would', () => {
    const cells = grid(table, metrics, table.paths.indexOf('adapter.layers'), table.paths.indexOf('adapter.rank'));
    const cell = cells.find((c) => c.x === 'all' && c.y === '2')!;
    const values = ok.filter((r) => r.layers === 'all' && r.rank === '2').map((r) => r.acc!);
    expect(cell.n).toBe(values.length);
    expect(cell.mean).toBeCloseTo(mean(values), 10);
    expect(cell.std).toBeCloseTo(Math.sqrt(values.reduce((s, v) => s + (v - mean(values)) ** 2, 0) / (values.length - 1)), 10);
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(ok.length);
  });

  it('draws pruning lines and ranks replicates from the same configs', () => {
    const s = series(table, metrics, table.paths.indexOf('prune.threshold'), true, 4);
    expect(s.lines).toHaveLength(4);
    for (const line of s.lines) expect(line.points.map((p) => p.x)).toEqual([...line.points.map((p) => p.x)].sort((a, b) => Number(a) - Number(b)));
    const ranked = [...pass.configs].sort(compareConfigs(true, (c) => c.metric?.mean ?? null));
    const best = [...metrics.values()].sort((a, b) => b.mean - a.mean)[0]!;
    expect(ranked[0]!.groupHash).toBe(best.groupHash);
    expect(summarise(ranked[0]!.metric)!.mean).toBe(pool([best])!.mean);
    // Configs with no succeeded replicate come last.
    const firstEmpty = ranked.findIndex((c) => c.metric === null);
    if (firstEmpty >= 0) expect(ranked.slice(firstEmpty).every((c) => c.metric === null)).toBe(true);
  });

  it('counts each config and reads the replicates of a page of configs, as the rows say', async () => {
    for (const c of pass.configs.slice(0, 50)) {
      const mine = rows.filter((r) => r.group_hash === c.groupHash);
      expect(c.trials).toBe(mine.length);
      expect(c.failed).toBe(mine.filter((r) => r.status === 'failed').length);
      expect(mine.map((r) => r.id)).toContain(c.trialId);
    }
    const page = [...metrics.values()].sort((a, b) => b.mean - a.mean).slice(0, 15).map((g) => g.groupHash);
    const values = await agg.groupTrialValues(sweepId, 'accuracy', page);
    const expected = ok.filter((r) => page.includes(r.group_hash)).map((r) => [r.group_hash, r.seed, r.acc, r.id]);
    expect(values.map((v) => [v.groupHash, v.seed, v.value, v.trialId]).sort()).toEqual(expected.sort());
    // Without the paths, the same configs and metrics, no table.
    const later = await agg.configPass(sweepId, 'accuracy');
    expect(later.seeds).toEqual([]);
    expect(later.configs.map((c) => [c.groupHash, c.metric?.mean ?? null]).sort()).toEqual(pass.configs.map((c) => [c.groupHash, c.metric?.mean ?? null]).sort());
  });

  it('plots parameter counts with the exact Pareto front, raw or binned', async () => {
    const raw = await withFronts(agg, await agg.scatterPass(sweepId, 'accuracy', { maximize: true }), true);
    const binned = await withFronts(agg, await agg.scatterPass(sweepId, 'accuracy', { maximize: true, maxPoints: 100 }), true);
    for (const [col, key] of [
      ['trainable', 'trainable'],
      ['effective', 'effective'],
    ] as const) {
      const points = ok.filter((r) => (r[key] ?? 0) > 0).map((r) => ({ x: r[key]!, y: r.acc! }));
      // Every trial's nondominated point, by count; trials tied on both are one point (paretoFront's rule).
      const front = paretoFront(points, (p) => [p.x, p.y], ['min', 'max']).sort((a, b) => a.x - b.x);
      expect(raw[col].binned).toBe(false);
      expect(raw[col].points).toHaveLength(points.length);
      expect(raw[col].front.map((f) => [f.x, f.y])).toEqual(front.map((f) => [f.x, f.y]));
      expect(binned[col].binned).toBe(true);
      expect(binned[col].total).toBe(points.length);
      expect(binned[col].points.length).toBeLessThan(points.length);
      expect(binned[col].front.map((f) => [f.x, f.y])).toEqual(front.map((f) => [f.x, f.y]));
      for (const f of binned[col].front) {
        const trial = rows.find((r) => r.id === f.trialId)!;
        expect([trial[key], trial.acc]).toEqual([f.x, f.y]);
        // Of trials tied with it, the earliest stands for them (as GET /sweeps/:id/front lists the earliest config).
        expect(trial.ordinal).toBe(Math.min(...ok.filter((r) => r[key] === f.x && r.acc === f.y).map((r) => r.ordinal)));
        expect(f.params).toHaveProperty('adapter');
      }
    }
  });

  it('finds the best trials and thins their curves', async () => {
    const sweep = (await sweeps.get(sweepId))!;
    const leaders = await sweeps.leaders(sweep);
    const top = leaders.slice(0, 3).map((l) => l.trialId);
    expect(leaders).toHaveLength(50);
    expect(top).toEqual([...ok].sort((a, b) => b.acc! - a.acc! || a.ordinal - b.ordinal).slice(0, 3).map((r) => r.id));
    expect(sweep.best).toMatchObject({ trialId: top[0], value: leaders[0]!.value });
    // Kept under the sweep's updatedAt: asked again, the same answer without another read.
    expect(await sweeps.leaders(sweep)).toBe(leaders);

    const [full] = await agg.curves(sweepId, [top[0]!]);
    expect(full!.points.map((p) => p.step)).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 25));
    const [thin] = await agg.curves(sweepId, [top[0]!], 4);
    expect(thin!.stored).toBe(12);
    expect(thin!.points.map((p) => p.step)).toEqual([25, 100, 175, 250, 300]);
    const values = await agg.groupTrialValues(sweepId, 'accuracy', [ok[0]!.group_hash]);
    expect(values.map((v) => v.value)).toEqual(ok.filter((r) => r.group_hash === ok[0]!.group_hash).sort((a, b) => a.seed - b.seed).map((r) => r.acc));
  });

  it('names metrics and reads a sweep and an adapter', async () => {
    expect(await agg.metricNames(sweepId)).toEqual({ metrics: ['accuracy', 'loss'], curveMetrics: ['loss'] });
    expect(await agg.sweepMeta(sweepId)).toMatchObject({ metric: 'accuracy', maximize: true, trialCount: 3000 });
    expect(await agg.sweepMeta('00000000-0000-0000-0000-000000000000')).toBeNull();
    const a = await agg.trialAdapter(ok[0]!.id);
    expect(a?.adapter).toHaveProperty('v');
    expect((await agg.schedulesOf([sweepId])).size).toBe(0);
  });

  it('pools a config into held-out items and hits only when every replicate is a proportion of its eval_n', async () => {
    // A second sweep whose accuracies are k/eval_n, as the tinylora backend reports them; then three
    // configs spoiled one replicate each: a different eval_n (still pooled), no eval_n, a value no k/100 is.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { sweepId: id } = await seedSweep(client, { trials: 90, seeds: 3, steps: 2, name: 'eval-n' });
      await client.query(
        `UPDATE trial SET metrics = metrics || jsonb_build_object('eval_n', 100, 'accuracy', round((metrics->>'accuracy')::numeric * 100) / 100)
          WHERE sweep_id = $1 AND status = 'succeeded' AND jsonb_typeof(metrics->'accuracy') = 'number'`,
        [id],
      );
      const full = (
        await client.query<{ group_hash: string; ids: string[] }>(
          `SELECT group_hash, array_agg(id ORDER BY seed) AS ids FROM trial WHERE sweep_id = $1 GROUP BY group_hash
            HAVING bool_and(status = 'succeeded' AND jsonb_typeof(metrics->'accuracy') = 'number') ORDER BY group_hash LIMIT 3`,
          [id],
        )
      ).rows;
      expect(full).toHaveLength(3);
      const [halfN, noN, notK] = full.map((g) => g.ids[0]!);
      await client.query(`UPDATE trial SET metrics = metrics || jsonb_build_object('eval_n', 50, 'accuracy', round((metrics->>'accuracy')::numeric * 50) / 50) WHERE id = $1`, [halfN]);
      await client.query(`UPDATE trial SET metrics = metrics - 'eval_n' WHERE id = $1`, [noN]);
      await client.query(`UPDATE trial SET metrics = metrics || '{"accuracy": 0.123}' WHERE id = $1`, [notK]);
      const reps = (
        await client.query<{ group_hash: string; v: number; e: number | null }>(
          `SELECT group_hash, (metrics->>'accuracy')::float8 AS v, (metrics->>'eval_n')::float8 AS e
             FROM trial WHERE sweep_id = $1 AND status = 'succeeded' AND jsonb_typeof(metrics->'accuracy') = 'number'`,
          [id],
        )
      ).rows;
      const expected = new Map<string, { items: number; hits: number } | null>();
      for (const r of reps) {
        const k = r.e === null ? NaN : r.v * r.e;
        const whole = Number.isInteger(Math.round(k)) && Math.abs(k - Math.round(k)) < 1e-6;
        const was = expected.get(r.group_hash);
        if (was === null) continue;
        expected.set(r.group_hash, whole ? { items: (was?.items ?? 0) + r.e!, hits: (was?.hits ?? 0) + Math.round(k) } : null);
      }
      const got = new Map((await agg.configPass(id, 'accuracy')).configs.flatMap((c) => (c.metric ? [[c.groupHash, c.metric.items === undefined ? null : { items: c.metric.items, hits: c.metric.hits! }] as const] : [])));
      expect(got).toEqual(expected);
      expect(got.get(full[0]!.group_hash)?.items).toBe(250);
      expect(got.get(full[1]!.group_hash)).toBeNull();
      expect(got.get(full[2]!.group_hash)).toBeNull();
      expect([...got.values()].filter((g) => g !== null).length).toBeGreaterThan(10);
    } finally {
      await client.end();
    }
  });

  it('splits the scatters by adapter method when a sweep compares methods: points, and each method its own exact front', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const methods = ['lora', 'lora-xs', 'tinylora'];
      const { sweepId: id } = await seedSweep(client, { trials: 1500, seeds: 2, steps: 0, name: 'methods', methods });
      const trials = (
        await client.query<{ id: string; ordinal: number; m: string; acc: number; trainable: number }>(
          `SELECT id, ordinal, coalesce(params #>> '{adapter,method}', 'tinylora') AS m, (metrics->>'accuracy')::float8 AS acc, trainable_params::float8 AS trainable
             FROM trial WHERE sweep_id = $1 AND status = 'succeeded' ORDER BY ordinal`,
          [id],
        )
      ).rows;
      for (const maxPoints of [4000, 100]) {
        const s = (await withFronts(agg, await agg.scatterPass(id, 'accuracy', { maximize: true, maxPoints }), true)).trainable;
        expect(s.methods.map((m) => m.method)).toEqual(methods);
        expect(s.pointMethod).toHaveLength(s.points.length);
        const frontOf = (ts: typeof trials) => paretoFront(ts, (t) => [t.trainable, t.acc], ['min', 'max']).sort((a, b) => a.trainable - b.trainable);
        for (const [i, m] of s.methods.entries()) {
          const mine = trials.filter((t) => t.m === m.method);
          expect(m.total).toBe(mine.length);
          // The earliest of tied trials, as paretoFront keeps it over trials in ordinal order.
          expect(m.front.map((f) => f.trialId)).toEqual(frontOf(mine).map((t) => t.id));
          if (!s.binned) expect(s.points.filter((_, k) => s.pointMethod![k] === i).map((p) => p[2]).sort()).toEqual(mine.map((t) => t.id).sort());
        }
        expect(s.front.map((f) => f.trialId)).toEqual(frontOf(trials).map((t) => t.id));
      }
    } finally {
      await client.end();
    }
  });
});

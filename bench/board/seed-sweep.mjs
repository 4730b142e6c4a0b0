/**
 * Seeds one finished TinyLoRA-shaped sweep straight into Postgres, for the board's scale checks
 * (bench/board/run.mjs, test/board/scale.test.ts): the sweep row, then every trial in ONE
 * `INSERT … SELECT … FROM generate_series`, then a short learning curve per trial the same way, in
 * one transaction (a finished sweep appears whole, as its board snapshot expects).
 *
 * The grid: adapter.layers (5) × adapter.rank (4) × adapter.u (5) × adapter.tie (2) ×
 * prune.threshold (5) × optimizer.lr (10) = 10,000 configs, × `seeds` seeds, cut at `trials`.
 * Accuracy is a smooth function of the config plus seeded noise (setseed), 1% of trials failed;
 * trainable = tie groups × u, effective = trainable shrunk by the prune threshold.
 * `methods` (e.g. ['tinylora', 'lora-xs', 'lora']) makes `adapter.method` an axis too, spread over
 * the configs (written into params only when not tinylora, as libs/spec plans it), each method with
 * its own parameter counts (lora-xs: modules × rank², lora: modules × rank × 512) and accuracy offset.
 *
 *   import { seedSweep } from './seed-sweep.mjs';
 *   const { sweepId } = await seedSweep(pgClient, { trials: 100_000 });
 */
import { randomUUID } from 'node:crypto';
import { parseSweepSpec, planSweep } from '@tinysweep/spec';

/**
 * @param {import('pg').Client} db  connected client (migrated database)
 * @param {{ trials?: number, seeds?: number, steps?: number, name?: string, noise?: number, settled?: boolean, methods?: string[] }} [opts]
 * @returns {Promise<{ sweepId: string, trials: number, seconds: number }>}
 */
export async function seedSweep(db, opts = {}) {
  const trials = opts.trials ?? 100_000;
  const seeds = opts.seeds ?? 10;
  const steps = opts.steps ?? 8;
  const name = opts.name ?? `seeded-${trials}`;
  const sweepId = randomUUID();
  const methods = opts.methods ?? ['tinylora'];
  const t0 = performance.now();
  // The spec of the grid below, normalized as the API stores it (so every endpoint reads it as it
  // would a submitted sweep's: importance and the front sample the same space).
  const input = {
    name,
    backend: { kind: 'tinylora' },
    model: { path: 'models/demo-arith' },
    task: { kind: 'arith' },
    adapter: {
      ...(methods.length > 1 ? { method: methods } : {}),
      modules: [['q', 'k', 'v', 'o', 'gate', 'up', 'down']],
      layers: ['all', 'last:8', 'last:4', 'every:2', 'first:8'],
      rank: [1, 2, 4, 8],
      u: [1, 2, 4, 8, 13],
      tie: [{ mode: 'none' }, { mode: 'tiled', n: 16 }],
    },
    prune: { threshold: [0, 0.05, 0.1, 0.2, 0.3] },
    optimizer: { kind: 'es', lr: [0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3] },
    objective: { metric: 'accuracy', mode: 'max' },
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    budget: { maxTrials: Math.max(trials, 10_000 * seeds * methods.length) },
  };
  const spec = parseSweepSpec(input);
  // Every field libs/spec fills in (optimizer and prune defaults, model, task), from its own plan of
  // the first config: the rows below set only the axes, so each trial's params are what a submitted
  // sweep's would be (parameter importance places each config in the space by them).
  const base = planSweep(parseSweepSpec({ ...input, seeds: [1] })).trials[0].params;
  await db.query('BEGIN');
  try {
    await db.query('SELECT setseed(0.42)');
    await db.query(
      `INSERT INTO sweep (id, name, spec, spec_source, status, trial_count, metric, maximize, created_at, updated_at, finished_at)
       VALUES ($1, $2, $3, $4, 'completed', $5, 'accuracy', true, now() - interval '2 hours', now(), now())`,
      [sweepId, name, JSON.stringify(spec), JSON.stringify(spec), trials],
    );
    await db.query(
      `WITH g AS (
         SELECT i, i % $3 + 1 AS seed, i / $3 AS c FROM generate_series(0, $2 - 1) AS i),
       d AS (
         SELECT i, seed, c,
                (ARRAY['all', 'last:8', 'last:4', 'every:2', 'first:8'])[(c / 2000) % 5 + 1] AS layers,
                (ARRAY[196, 56, 28, 98, 56])[(c / 2000) % 5 + 1] AS modules,
                (ARRAY[1, 2, 4, 8])[(c / 500) % 4 + 1] AS rank,
                (ARRAY[1, 2, 4, 8, 13])[(c / 100) % 5 + 1] AS u,
                (c / 50) % 2 AS tiled,
                (ARRAY[0, 0.05, 0.1, 0.2, 0.3])[(c / 10) % 5 + 1] AS threshold,
                (ARRAY[0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3])[c % 10 + 1] AS lr,
                ($6::text[])[(c * 7 + c / 10) % cardinality($6::text[]) + 1] AS method,
                random() AS r1, random() AS r2
           FROM g),
       p AS (
         SELECT d.*,
                CASE method WHEN 'lora-xs' THEN modules * rank * rank WHEN 'lora' THEN modules * rank * 512
                            ELSE (CASE WHEN tiled = 1 THEN (modules + 15) / 16 ELSE modules END) * u END AS trainable,
                0.2 + 0.08 * ln(rank + 1) + 0.05 * ln(u + 1) + (CASE layers WHEN 'all' THEN 0.12 WHEN 'every:2' THEN 0.09 WHEN 'last:8' THEN 0.07 ELSE 0.03 END)
                    - 0.6 * threshold * threshold - 0.3 * abs(ln(lr / 0.05)) / 4 + (CASE WHEN tiled = 1 THEN 0.02 ELSE 0 END)
                    + $5::float8 * (r1 - 0.5) + (CASE method WHEN 'lora-xs' THEN -0.03 WHEN 'lora' THEN 0.02 ELSE 0 END) AS acc
           FROM d)
       INSERT INTO trial (id, sweep_id, ordinal, config_hash, group_hash, params, seed, status, attempts, trainer_id,
                          queued_at, started_at, finished_at, result_attempt, metrics, trainable_params, effective_params, adapter, error, log_tail)
       SELECT gen_random_uuid(), $1::uuid, i, md5('t' || i), md5('g' || c),
              ($7::jsonb - 'adapter' - 'prune' - 'optimizer' - 'seed') || jsonb_build_object(
                'adapter', (CASE WHEN method = 'tinylora' THEN '{}'::jsonb ELSE jsonb_build_object('method', method) END) || jsonb_build_object('modules', jsonb_build_array('q', 'k', 'v', 'o', 'gate', 'up', 'down'), 'layers', layers, 'rank', rank, 'u', u,
                                              'tie', CASE WHEN tiled = 1 THEN jsonb_build_object('mode', 'tiled', 'n', 16) ELSE jsonb_build_object('mode', 'none') END),
                'prune', ($7::jsonb->'prune') || jsonb_build_object('threshold', threshold),
                'optimizer', ($7::jsonb->'optimizer') || jsonb_build_object('lr', lr),
                'seed', seed),
              seed,
              (CASE WHEN r2 < 0.01 THEN 'failed' ELSE 'succeeded' END)::"TrialStatus",
              1, 'trainer-' || (i % 4 + 1),
              now() - interval '2 hours', now() - interval '2 hours' + (i * interval '60 ms'), now() - interval '2 hours' + (i * interval '60 ms') + interval '45 s', 1,
              CASE WHEN r2 < 0.01 THEN NULL ELSE jsonb_build_object('accuracy', round(least(0.99, greatest(0, acc))::numeric, 4), 'loss', round((1 - least(0.99, greatest(0, acc))) ::numeric, 4)) END,
              CASE WHEN r2 < 0.01 THEN NULL ELSE trainable END,
              CASE WHEN r2 < 0.01 THEN NULL ELSE greatest(1, round(trainable * (1 - 1.5 * threshold)))::int END,
              CASE WHEN r2 < 0.01 THEN NULL ELSE jsonb_build_object('v', (SELECT jsonb_agg(round((sin(i * 7 + k) * 0.5)::numeric, 5)) FROM generate_series(1, u) AS k)) END,
              CASE WHEN r2 < 0.01 THEN 'program exited with code 1: CUDA out of memory (seeded failure)' END,
              'step ' || $4 || ' done'
         FROM p`,
      [sweepId, trials, seeds, steps, opts.noise ?? 0.04, methods, JSON.stringify(base)],
    );
    if (steps > 0) {
      await db.query(
        `INSERT INTO trial_attempt (trial_id, attempt, trainer_id, started_at, finished_at, outcome)
         SELECT id, 1, trainer_id, started_at, finished_at, status::text FROM trial WHERE sweep_id = $1::uuid`,
        [sweepId],
      );
      await db.query(
        `INSERT INTO trial_step (trial_id, attempt, step, metrics)
         SELECT t.id, 1, s * 25, jsonb_build_object('loss', round((1 - coalesce((t.metrics->>'accuracy')::float8, 0.1) * (1 - exp(-s / 2.0)))::numeric, 4))
           FROM trial t CROSS JOIN generate_series(1, $2::int) AS s
          WHERE t.sweep_id = $1::uuid`,
        [sweepId, steps],
      );
    }
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await db.query('COMMIT');
  // `settled`: VACUUM as autovacuum would some time after the rows were written (hint bits and
  // visibility map set), so the first reader does not pay for writing them.
  await db.query(opts.settled ? 'VACUUM (ANALYZE) trial' : 'ANALYZE trial');
  if (opts.settled && steps > 0) await db.query('VACUUM (ANALYZE) trial_step');
  return { sweepId, trials, seconds: (performance.now() - t0) / 1000 };
}

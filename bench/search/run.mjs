#!/usr/bin/env node
/**
 * `npm run bench:search` — ASHA against the full grid of the same space, through the real stack.
 *
 *   node scripts/setup.mjs && node bench/search/run.mjs
 *
 * What runs: one LocalStack (embedded Postgres, fsync off; redis-server), the API, a dispatcher and
 * BENCH_TRAINERS (2) trainers of one slot each (one ONNX Runtime thread each), all as processes
 * talking HTTP, BullMQ and gRPC. The space is bench/search/space.yaml (the demo model on its held-out
 * multiplication problems: layers × rank × lr × seeds, 27 ES iterations each). It is submitted twice,
 * with result reuse off so both runs train:
 *
 *   grid   every configuration × seed, trained to the end;
 *   asha   the same trials, search { kind: asha, minIterations: BENCH_MIN_ITERATIONS (3), eta: 3 }:
 *          rungs at 3 and 9, where the dispatcher asks the trainer for eval_acc (TrainRequest.eval_at);
 *          a trial continues past a rung only in the top 1/3 of what was recorded there.
 *
 * Figures: grid_best = the best grid trial's held-out accuracy (acc, with its Wilson 95% interval
 * acc_lo … acc_hi over the held-out problems); asha_best = the best accuracy of an ASHA trial that
 * finished; trainer seconds = the sum over trials of their attempts' wall time on a trainer (start to
 * result, stopped attempts included). Target: asha_best ≥ grid_best's interval low end, with ASHA using
 * ≤ 40 % of the grid's trainer seconds.
 *
 * Environment: BENCH_TRAINERS (2), BENCH_MIN_ITERATIONS (3), BENCH_KEEP=1 (keep the data directory).
 * The last line is JSON: {"grid_best", "asha_best", "asha_trainer_seconds_ratio", "grid_best_ci95",
 * "within_ci", "grid_trainer_seconds", "asha_trainer_seconds", "trials", "asha_stopped", "target_met"}.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { LocalStack, ProcessGroup, startApi, startDispatcher, startTrainer } from '@tinysweep/stack';

const TRAINERS = Number(process.env.BENCH_TRAINERS ?? 2);
const MIN_ITERATIONS = Number(process.env.BENCH_MIN_ITERATIONS ?? 3);
const RATIO_TARGET = 0.4;
const log = (m) => process.stdout.write(`bench: ${m}\n`);

const space = parse(readFileSync(new URL('./space.yaml', import.meta.url), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'tinysweep-bench-search-'));
chmodSync(dir, 0o755); // Postgres runs as the postgres user when we are root
const group = new ProcessGroup({ logDir: join(dir, 'logs'), graceMs: 3000 });
const stack = new LocalStack();
let exitCode = 0;

async function api(urls, method, path, body) {
  const res = await fetch(`${urls.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${urls.secrets.apiToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Submits a sweep and waits for it, logging progress now and then; returns its id and wall seconds. */
async function runSweep(urls, spec) {
  const t0 = performance.now();
  const { id, trialCount } = await api(urls, 'POST', '/sweeps', spec);
  log(`${spec.name}: ${trialCount} trials submitted`);
  let lastLog = 0;
  for (;;) {
    const s = await api(urls, 'GET', `/sweeps/${id}`);
    const c = s.counts;
    if (['completed', 'failed', 'cancelled'].includes(s.status)) {
      const wall = (performance.now() - t0) / 1000;
      log(`${spec.name}: ${s.status} in ${wall.toFixed(0)} s (${c.succeeded} succeeded, ${c.stopped ?? 0} stopped, ${c.failed} failed)`);
      if (s.status !== 'completed') throw new Error(`${spec.name} ended ${s.status}`);
      return { id, wall };
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      log(`${spec.name}: ${c.succeeded + (c.stopped ?? 0) + c.failed}/${s.trialCount} done, ${c.running} running`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Every trial of a sweep with its final accuracy and its attempts' trainer seconds. */
async function trials(db, sweepId) {
  const { rows } = await db.query(
    `SELECT t.id, t.status, t.group_hash, (t.metrics->>'acc')::float8 AS acc, (t.metrics->>'acc_lo')::float8 AS lo,
            (t.metrics->>'acc_hi')::float8 AS hi, (t.metrics->>'asha_rung')::int AS rung,
            (SELECT coalesce(sum(extract(epoch FROM (coalesce(a.finished_at, now()) - a.started_at))), 0)
               FROM trial_attempt a WHERE a.trial_id = t.id)::float8 AS seconds,
            (SELECT count(*) FROM trial_attempt a WHERE a.trial_id = t.id)::int AS attempts
       FROM trial t WHERE t.sweep_id = $1 ORDER BY t.ordinal`,
    [sweepId],
  );
  return rows;
}

const sum = (xs) => xs.reduce((s, x) => s + x, 0);
const round = (x, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

try {
  const urls = await stack.start({ dataDir: dir, durable: false, databaseUrl: '', redisUrl: '' });
  await startApi(group, { urls });
  await startDispatcher(group, { urls });
  for (let i = 1; i <= TRAINERS; i++) {
    await startTrainer(group, { urls, name: `trainer-${i}`, env: { TINYSWEEP_TRAINER_SLOTS: '1', TINYSWEEP_TRAINER_THREADS: '1', TINYSWEEP_CACHE_DIR: join(dir, 'graphs') } });
  }
  for (let t0 = Date.now(); (await api(urls, 'GET', '/nodes')).items.length < TRAINERS; ) {
    if (Date.now() - t0 > 30_000) throw new Error('trainers did not register');
    await new Promise((r) => setTimeout(r, 200));
  }
  const db = new pg.Client({ connectionString: urls.databaseUrl });
  await db.connect();

  const grid = await runSweep(urls, { ...space, name: 'bench-search-grid', search: { kind: 'grid' }, reuse: false });
  const asha = await runSweep(urls, { ...space, name: 'bench-search-asha', search: { kind: 'asha', minIterations: MIN_ITERATIONS, eta: 3 }, reuse: false });
  const g = await trials(db, grid.id);
  const a = await trials(db, asha.id);
  await db.end();

  const best = g.filter((t) => t.status === 'succeeded').sort((x, y) => y.acc - x.acc)[0];
  const ashaDone = a.filter((t) => t.status === 'succeeded');
  const ashaBest = Math.max(...ashaDone.map((t) => t.acc));
  const gridSeconds = sum(g.map((t) => t.seconds));
  const ashaSeconds = sum(a.map((t) => t.seconds));
  const ratio = ashaSeconds / gridSeconds;
  const withinCi = ashaBest >= best.lo;
  const rungs = new Map();
  for (const t of a.filter((x) => x.status === 'stopped')) rungs.set(t.rung, (rungs.get(t.rung) ?? 0) + 1);
  const attempts = (ts) => sum(ts.map((t) => t.attempts));
  log(`grid: ${g.length} trials (${attempts(g)} attempts), best acc ${best.acc.toFixed(3)} [${best.lo.toFixed(3)}, ${best.hi.toFixed(3)}], ${gridSeconds.toFixed(0)} trainer-s (${grid.wall.toFixed(0)} s wall)`);
  log(
    `asha: ${a.length} trials (${attempts(a)} attempts), ${ashaDone.length} trained to the end, ${[...rungs].sort(([x], [y]) => x - y).map(([r, n]) => `${n} stopped at ${r}`).join(', ')}; ` +
      `best acc ${ashaBest.toFixed(3)}, ${ashaSeconds.toFixed(0)} trainer-s (${asha.wall.toFixed(0)} s wall)`,
  );
  const met = withinCi && ratio <= RATIO_TARGET;
  log(`ASHA ${withinCi ? 'reaches' : 'MISSES'} the grid's best within its 95% interval using ${(100 * ratio).toFixed(1)}% of its trainer time (target ≤ ${100 * RATIO_TARGET}%): ${met ? 'target met' : 'TARGET MISSED'}`);
  console.log(
    JSON.stringify({
      grid_best: round(best.acc),
      asha_best: round(ashaBest),
      asha_trainer_seconds_ratio: round(ratio),
      grid_best_ci95: [round(best.lo), round(best.hi)],
      within_ci: withinCi,
      grid_trainer_seconds: round(gridSeconds, 1),
      asha_trainer_seconds: round(ashaSeconds, 1),
      trials: g.length,
      asha_stopped: a.length - ashaDone.length,
      target_met: met,
    }),
  );
} catch (err) {
  console.error(`bench: failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await group.stopAll().catch(() => undefined);
  await stack.stop().catch(() => undefined);
  if (process.env.BENCH_KEEP) log(`data kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

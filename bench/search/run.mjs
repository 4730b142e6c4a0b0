#!/usr/bin/env node
/**
 * `npm run bench:search` — ASHA against the full grid of the same space, through the real stack,
 * run fairly: every arm on fresh trainers, arms in alternating order, over several repetitions.
 *
 *   node scripts/setup.mjs && node bench/search/run.mjs
 *
 * What runs: one LocalStack (embedded Postgres, fsync off; redis-server), the API and a dispatcher,
 * and for EACH arm of each repetition BENCH_TRAINERS (2) new trainers of one slot each (one ONNX
 * Runtime thread each, a graph cache directory of their own): no arm inherits another's loaded
 * model, sessions, SVD factors, memoised base-model evaluation or built graphs. The trainers of an
 * arm are stopped (they leave the pool) before the next arm's start. Repetition r runs the arms in
 * the order of BENCH_ARMS, reversed on every other repetition, so no arm always goes first.
 *
 * The space is bench/search/space.yaml (the demo model on its held-out multiplication problems:
 * layers × rank × lr × seeds, 27 ES iterations each), submitted once per arm with result reuse off:
 *
 *   grid        every configuration × seed, trained to the end;
 *   asha        search { kind: asha, minIterations: BENCH_MIN_ITERATIONS (1), eta: 3, promotion: async }:
 *               rungs at 1, 3 and 9, where the dispatcher asks the trainer for eval_acc; a trial goes
 *               on past a rung only in the top 1/3 of what was recorded there so far, else it stops;
 *   asha-pause  search { kind: asha, minIterations: BENCH_PAUSE_MIN_ITERATIONS (3), eta: 3, promotion:
 *               pause } (the ASHA paper's): rungs at 3 and 9; a trial reaching a rung pauses there
 *               (checkpointed, its slot freed) unless it is in the top ⌊n/3⌋ of the n values recorded
 *               there; paused trials resume from their checkpoint when promoted, or stop once nothing
 *               else can reach their rung. Its own default: from rung 1 its synchronous rule sends one
 *               trial of 36 to the end, and that one missed the grid's best (README, "Adaptive sweeps").
 *
 * Figures per repetition: grid_best = the best grid trial's held-out accuracy (with its Wilson 95%
 * interval over the held-out problems); <arm>_best = the best accuracy of an arm's trial that
 * finished; trainer seconds = the sum over trials of their attempts' wall time on a trainer (start to
 * result, stopped and paused attempts included); ratio = arm / grid trainer seconds. Summary: per
 * arm the median ratio over the repetitions and its spread (min, max), and whether every
 * repetition's best lies within the grid best's interval. Target (the arm BENCH_TARGET_ARM,
 * asha): within the interval every time, median ratio ≤ BENCH_TARGET (0.33).
 *
 * Environment: BENCH_REPS (2), BENCH_TRAINERS (2), BENCH_MIN_ITERATIONS (1), BENCH_PAUSE_MIN_ITERATIONS
 * (3), BENCH_ARMS ("grid,asha,asha-pause"), BENCH_TARGET (0.33), BENCH_TARGET_ARM (asha), BENCH_KEEP=1 (keep
 * the data directory). The last line is JSON: {"reps", "trainers", "target", "<arm>_ratio_median",
 * "<arm>_ratio_min", "<arm>_ratio_max", "<arm>_ratios", "<arm>_within_ci_all", …, "target_met", "runs": [...]}.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { log, median, round, sum, SweepBench } from './sweep-bench.mjs';

const REPS = Number(process.env.BENCH_REPS ?? 2);
const TRAINERS = Number(process.env.BENCH_TRAINERS ?? 2);
const MIN_ITERATIONS = Number(process.env.BENCH_MIN_ITERATIONS ?? 1);
const PAUSE_MIN_ITERATIONS = Number(process.env.BENCH_PAUSE_MIN_ITERATIONS ?? 3);
const ARMS = (process.env.BENCH_ARMS ?? 'grid,asha,asha-pause').split(',').map((s) => s.trim());
const RATIO_TARGET = Number(process.env.BENCH_TARGET ?? 0.33);
const TARGET_ARM = process.env.BENCH_TARGET_ARM ?? 'asha';

/** The search section of each arm. */
const SEARCHES = {
  grid: { kind: 'grid' },
  asha: { kind: 'asha', minIterations: MIN_ITERATIONS, eta: 3, promotion: 'async' },
  'asha-pause': { kind: 'asha', minIterations: PAUSE_MIN_ITERATIONS, eta: 3, promotion: 'pause' },
};
for (const arm of ARMS) if (!SEARCHES[arm]) throw new Error(`BENCH_ARMS: unknown arm '${arm}' (known: ${Object.keys(SEARCHES).join(', ')})`);
if (!ARMS.includes('grid') || ARMS.length < 2) throw new Error('BENCH_ARMS must hold grid and at least one other arm');

const space = parse(readFileSync(new URL('./space.yaml', import.meta.url), 'utf8'));
const bench = new SweepBench('search');
let exitCode = 0;

/** One arm's figures from its trials. */
function summarise(arm, rows, wall) {
  const done = rows.filter((t) => t.status === 'succeeded');
  const best = [...done].sort((x, y) => y.acc - x.acc)[0];
  const rungs = new Map();
  for (const t of rows.filter((x) => x.status === 'stopped')) rungs.set(t.rung, (rungs.get(t.rung) ?? 0) + 1);
  return {
    arm,
    best: best?.acc ?? Number.NaN,
    ci95: best ? [best.lo, best.hi] : [Number.NaN, Number.NaN],
    seconds: sum(rows.map((t) => t.seconds)),
    wall,
    trials: rows.length,
    attempts: sum(rows.map((t) => t.attempts)),
    finished: done.length,
    stoppedAt: Object.fromEntries([...rungs].sort(([x], [y]) => x - y)),
  };
}

try {
  await bench.start();
  const runs = [];
  for (let rep = 1; rep <= REPS; rep++) {
    const order = rep % 2 === 1 ? ARMS : [...ARMS].reverse();
    log(`repetition ${rep}/${REPS}: ${order.join(' then ')}`);
    const arms = {};
    for (const arm of order) {
      const names = await bench.freshTrainers(`r${rep}-${arm}`, TRAINERS);
      const sweep = await bench.runSweep({ ...space, name: `bench-search-r${rep}-${arm}`, search: SEARCHES[arm], reuse: false });
      arms[arm] = summarise(arm, await bench.trials(sweep.id), sweep.wall);
      await bench.stopTrainers(names);
      const a = arms[arm];
      log(
        `  ${arm}: ${a.trials} trials (${a.attempts} attempts), ${a.finished} trained to the end` +
          `${Object.keys(a.stoppedAt).length ? `, ${Object.entries(a.stoppedAt).map(([r, n]) => `${n} stopped at ${r}`).join(', ')}` : ''}; ` +
          `best acc ${a.best.toFixed(3)} [${a.ci95[0].toFixed(3)}, ${a.ci95[1].toFixed(3)}], ${a.seconds.toFixed(0)} trainer-s (${a.wall.toFixed(0)} s wall)`,
      );
    }
    const grid = arms.grid;
    const run = { rep, order, grid_best: round(grid.best), grid_best_ci95: grid.ci95.map((x) => round(x)), grid_trainer_seconds: round(grid.seconds, 1) };
    for (const arm of ARMS.filter((a) => a !== 'grid')) {
      const a = arms[arm];
      Object.assign(run, {
        [`${arm}_best`]: round(a.best),
        [`${arm}_within_ci`]: a.best >= grid.ci95[0],
        [`${arm}_trainer_seconds`]: round(a.seconds, 1),
        [`${arm}_trainer_seconds_ratio`]: round(a.seconds / grid.seconds),
        [`${arm}_attempts`]: a.attempts,
        [`${arm}_stopped_at`]: a.stoppedAt,
        [`${arm}_finished`]: a.finished,
      });
      log(`  ${arm}/grid: ${((100 * a.seconds) / grid.seconds).toFixed(1)}% of the grid's trainer time, best ${a.best >= grid.ci95[0] ? 'within' : 'OUTSIDE'} the grid best's 95% interval`);
    }
    runs.push(run);
  }

  const out = { reps: REPS, trainers: TRAINERS, target: RATIO_TARGET, target_arm: TARGET_ARM };
  let met = ARMS.includes(TARGET_ARM);
  for (const arm of ARMS.filter((a) => a !== 'grid')) {
    const ratios = runs.map((r) => r[`${arm}_trainer_seconds_ratio`]);
    const within = runs.every((r) => r[`${arm}_within_ci`]);
    const m = median(ratios);
    log(
      `${arm}: median ${(100 * m).toFixed(1)}% of the grid's trainer time (min ${(100 * Math.min(...ratios)).toFixed(1)}%, max ${(100 * Math.max(...ratios)).toFixed(1)}%) over ${REPS} repetitions; ` +
        `best within the grid best's interval in ${runs.filter((r) => r[`${arm}_within_ci`]).length}/${REPS}`,
    );
    Object.assign(out, { [`${arm}_ratio_median`]: round(m), [`${arm}_ratio_min`]: round(Math.min(...ratios)), [`${arm}_ratio_max`]: round(Math.max(...ratios)), [`${arm}_ratios`]: ratios, [`${arm}_within_ci_all`]: within });
    if (arm === TARGET_ARM) met &&= within && m <= RATIO_TARGET;
  }
  log(met ? `target met (${TARGET_ARM})` : `TARGET MISSED (${TARGET_ARM}: median ≤ ${100 * RATIO_TARGET}% and within the interval every time)`);
  console.log(JSON.stringify({ ...out, target_met: met, runs }));
} catch (err) {
  console.error(`bench: failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await bench.stop();
}
process.exit(exitCode);

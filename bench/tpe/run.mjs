#!/usr/bin/env node
/**
 * `npm run bench:tpe` — TPE against random search with the same number of trials, over several
 * search seeds, through the real stack (API, BullMQ, dispatcher, gRPC trainers, Postgres).
 *
 *   node scripts/setup.mjs && node bench/tpe/run.mjs
 *
 * The space is bench/tpe/space.yaml (the demo model: layer selectors × ranks × u × lr (log) × sigma,
 * uncountably many configurations). For each of BENCH_SEEDS search seeds it submits the space twice,
 * `search: { kind: tpe, n: BENCH_N, startup: BENCH_STARTUP, seed, parallel: BENCH_TRAINERS }` and
 * `search: { kind: random, n: BENCH_N, seed }`, alternating which goes first, on the same
 * BENCH_TRAINERS trainers (one slot each). Figure per seed: each arm's best held-out accuracy after
 * its N trials; summary: the median over seeds of each arm's best and of their difference (tpe −
 * random), its spread (min, max), and how many seeds TPE won, tied or lost.
 *
 * Environment: BENCH_SEEDS (7), BENCH_N (20), BENCH_STARTUP (5), BENCH_TRAINERS (2), BENCH_KEEP=1.
 * The last line is JSON: {"seeds", "n", "startup", "tpe_best_median", "random_best_median",
 * "diff_median", "diff_min", "diff_max", "tpe_wins", "ties", "random_wins", "runs": [...]}.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { log, median, round, sum, SweepBench } from '../search/sweep-bench.mjs';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 7);
const N = Number(process.env.BENCH_N ?? 20);
const STARTUP = Number(process.env.BENCH_STARTUP ?? 5);
const TRAINERS = Number(process.env.BENCH_TRAINERS ?? 2);

const space = parse(readFileSync(new URL('./space.yaml', import.meta.url), 'utf8'));
const searchOf = (arm, seed) => (arm === 'tpe' ? { kind: 'tpe', n: N, startup: STARTUP, seed, parallel: TRAINERS } : { kind: 'random', n: N, seed });
const bench = new SweepBench('tpe');
let exitCode = 0;

try {
  await bench.start();
  await bench.freshTrainers('tpe', TRAINERS);
  const runs = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const order = seed % 2 === 1 ? ['tpe', 'random'] : ['random', 'tpe'];
    const run = { seed, order };
    for (const arm of order) {
      const sweep = await bench.runSweep({ ...space, name: `bench-tpe-s${seed}-${arm}`, search: searchOf(arm, seed), reuse: false });
      const rows = (await bench.trials(sweep.id)).filter((t) => t.status === 'succeeded');
      if (rows.length !== N) throw new Error(`${arm} seed ${seed}: ${rows.length} of ${N} trials succeeded`);
      Object.assign(run, { [`${arm}_best`]: round(Math.max(...rows.map((t) => t.acc))), [`${arm}_trainer_seconds`]: round(sum(rows.map((t) => t.seconds)), 1) });
    }
    run.diff = round(run.tpe_best - run.random_best);
    log(`seed ${seed}: tpe best ${run.tpe_best.toFixed(3)}, random best ${run.random_best.toFixed(3)} (tpe − random ${run.diff >= 0 ? '+' : ''}${run.diff.toFixed(3)})`);
    runs.push(run);
  }
  const diffs = runs.map((r) => r.diff);
  const out = {
    seeds: SEEDS,
    n: N,
    startup: STARTUP,
    trainers: TRAINERS,
    tpe_best_median: round(median(runs.map((r) => r.tpe_best))),
    random_best_median: round(median(runs.map((r) => r.random_best))),
    diff_median: round(median(diffs)),
    diff_min: round(Math.min(...diffs)),
    diff_max: round(Math.max(...diffs)),
    tpe_wins: diffs.filter((d) => d > 0).length,
    ties: diffs.filter((d) => d === 0).length,
    random_wins: diffs.filter((d) => d < 0).length,
  };
  log(`tpe best: median ${out.tpe_best_median}, random best: median ${out.random_best_median}; tpe − random: median ${out.diff_median} (min ${out.diff_min}, max ${out.diff_max}); tpe won ${out.tpe_wins}, tied ${out.ties}, lost ${out.random_wins} of ${SEEDS}`);
  console.log(JSON.stringify({ ...out, runs }));
} catch (err) {
  console.error(`bench: failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await bench.stop();
}
process.exit(exitCode);

#!/usr/bin/env node
/**
 * `npm run bench:importance` — what parameter importance (libs/search importance.ts) costs on the
 * configurations of a big sweep, and how much the forest's size moves its answer.
 *
 *   node scripts/setup.mjs && node bench/importance/run.mjs
 *
 * The space is bench:board's seeded sweep (bench/board/seed-sweep.mjs: layers 5 × rank 4 × u 5 ×
 * tie 2 × prune threshold 5 × lr 10 = 10,000 configurations), each configuration's value a smooth
 * function of its parameters plus seeded noise. For each count of configurations (BENCH_CONFIGS,
 * "1000,2000,10000": the first n of the grid, shuffled by a seeded draw) the importance is fitted with
 * 16, 32 and 64 trees and with the default (64 up to 2,000 configurations, 16 above), each timed
 * BENCH_REPS (3) times in this process (the median printed); the largest difference of any
 * parameter's share from the 64-tree answer is printed beside each, so a cheaper forest shows what
 * it gives up. The last line is JSON: {"runs": [{configs, trees, ms, max_diff_vs_64}], "default": […]}.
 */
import { createRng, parseSweepSpec, planSweep } from '@tinysweep/spec';
import { meanObservations, parameterImportance, TpeSpace } from '@tinysweep/search';

const COUNTS = (process.env.BENCH_CONFIGS ?? '1000,2000,10000').split(',').map(Number);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const log = (m) => console.error(`bench: ${m}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const spec = parseSweepSpec({
  name: 'bench-importance',
  backend: { kind: 'tinylora' },
  model: { path: 'models/demo-arith' },
  task: { kind: 'arith' },
  adapter: { modules: [['q', 'k', 'v', 'o', 'gate', 'up', 'down']], layers: ['all', 'last:8', 'last:4', 'every:2', 'first:8'], rank: [1, 2, 4, 8], u: [1, 2, 4, 8, 13], tie: [{ mode: 'none' }, { mode: 'tiled', n: 16 }] },
  prune: { threshold: [0, 0.05, 0.1, 0.2, 0.3] },
  optimizer: { kind: 'es', lr: [0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3] },
  objective: { metric: 'accuracy', mode: 'max' },
  seeds: [1],
  budget: { maxTrials: 10_000 },
});
const space = new TpeSpace(spec);
const rng = createRng(7);
const layerGain = { all: 0.12, 'every:2': 0.09, 'last:8': 0.07 };
// the accuracy bench/board/seed-sweep.mjs gives a config, with its noise
const configs = planSweep(spec).trials.map((t) => {
  const p = t.params;
  const mean = 0.2 + 0.08 * Math.log(p.adapter.rank + 1) + 0.05 * Math.log(p.adapter.u + 1) + (layerGain[p.adapter.layers] ?? 0.03) - 0.6 * p.prune.threshold ** 2 - (0.3 * Math.abs(Math.log(p.optimizer.lr / 0.05))) / 4 + (p.adapter.tie.mode === 'tiled' ? 0.02 : 0) + 0.04 * (rng.next() - 0.5);
  return { params: p, mean };
});
for (let i = configs.length - 1; i > 0; i--) {
  const j = rng.int(i + 1);
  [configs[i], configs[j]] = [configs[j], configs[i]];
}

const runs = [];
const defaults = [];
for (const n of COUNTS) {
  const observations = meanObservations(space, { metric: 'accuracy', mode: 'max' }, configs.slice(0, n));
  const fit = (trees) => {
    const ms = [];
    let r;
    for (let k = 0; k < REPS; k++) {
      const t = performance.now();
      r = parameterImportance(space, observations, trees ? { seed: 0, trees } : { seed: 0 });
      ms.push(performance.now() - t);
    }
    return { ms: Math.round(median(ms)), shares: new Map(r.importance.map((x) => [x.path, x.importance])), r };
  };
  const ref = fit(64);
  for (const trees of [16, 32, 64, undefined]) {
    const f = trees === 64 ? ref : fit(trees);
    const diff = Math.max(...[...ref.shares].map(([p, v]) => Math.abs(v - (f.shares.get(p) ?? 0))));
    const row = { configs: n, trees: trees ?? (n > 2000 ? 16 : 64), ms: f.ms, max_diff_vs_64: +diff.toFixed(4) };
    (trees === undefined ? defaults : runs).push(row);
    log(`${String(n).padStart(6)} configs, ${trees === undefined ? `default (${row.trees})` : `${trees} trees`}: ${f.ms} ms; largest share difference from 64 trees ${diff.toFixed(4)}; ${f.r.importance.slice(0, 3).map((x) => `${x.path} ${(100 * x.importance).toFixed(1)}%`).join(', ')}`);
  }
}
console.log(JSON.stringify({ reps: REPS, runs, default: defaults }));

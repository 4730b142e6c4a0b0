/**
 * Times truncatedSvd on a random square float32 weight (no assertions; the tests check accuracy).
 *
 *   npx tsx libs/tinylora/bench/svd-bench.ts                 # 4096 × 4096, ranks 2 and 16, best of 3
 *   npx tsx libs/tinylora/bench/svd-bench.ts 2048 2,4,16 5   # size, ranks, repeats
 *
 * Prints one JSON line per rank: size, rank, l (= rank + oversample), iterations, best and median
 * seconds, and the top singular values (a check that the runs did the same work).
 */
import { createRng, SVD_DEFAULTS, truncatedSvd } from '../src/index.js';

const n = Number(process.argv[2] ?? 4096);
const ranks = (process.argv[3] ?? '2,16').split(',').map(Number);
const repeats = Number(process.argv[4] ?? 3);

const rng = createRng(1);
const W = new Float32Array(n * n);
for (let i = 0; i < W.length; i++) W[i] = rng.normal() * 0.02;

truncatedSvd(W, n, n, 2, { iterations: 0 }); // warm the JIT

for (const rank of ranks) {
  const times: number[] = [];
  let top: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const f = truncatedSvd(W, n, n, rank);
    times.push((performance.now() - t0) / 1000);
    top = Array.from(f.S.slice(0, 3), (s) => Number(s.toFixed(4)));
  }
  times.sort((a, b) => a - b);
  const l = Math.min(rank + SVD_DEFAULTS.oversample, n);
  console.log(JSON.stringify({ size: `${n}x${n}`, rank, l, iterations: SVD_DEFAULTS.iterations, bestS: Number(times[0].toFixed(2)), medianS: Number(times[Math.floor(times.length / 2)].toFixed(2)), top }));
}

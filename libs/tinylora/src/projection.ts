/**
 * The fixed random projections of TinyLoRA: P ∈ ℝ^{u×r×r} per adapted module, and the mixing
 * R = (1/√u) Σᵢ vᵢ Pᵢ that turns the trainable vector v into the r × r core of the update
 * ΔW = U Σ R Vᵀ.
 *
 * P is never trained and never stored: it is rebuilt from a seed. Like PEFT's TinyLoRA
 * (`_get_layer_seed`: base seed + layer index), target t (its index in depth order, see
 * {@link adapterTargets}) uses seed `baseSeed + t`.
 */
import { createRng, seed32 } from './prng.js';

/** The seed of target `targetIndex`'s projection tensor: `baseSeed + targetIndex` (PEFT's habit). */
export function targetSeed(baseSeed: number, targetIndex: number): number {
  if (!Number.isSafeInteger(baseSeed)) throw new Error(`baseSeed must be an integer (got ${String(baseSeed)})`);
  if (!Number.isInteger(targetIndex) || targetIndex < 0) throw new Error(`targetIndex must be a non-negative integer (got ${String(targetIndex)})`);
  return baseSeed + targetIndex;
}

/**
 * P [u, rank, rank] row-major (P[i][a][b] at `(i * rank + a) * rank + b`), independent standard
 * normal entries from the seeded generator (see prng.ts), rounded to float32.
 * `seed` is any safe integer (taken modulo 2³²).
 */
export function projectionTensor(seed: number, u: number, rank: number): Float32Array {
  seed32(seed);
  checkPositiveInt(u, 'u');
  checkPositiveInt(rank, 'rank');
  const rng = createRng(seed);
  const P = new Float32Array(u * rank * rank);
  for (let i = 0; i < P.length; i++) P[i] = rng.normal();
  return P;
}

/**
 * R [rank, rank] = (1/√u) Σᵢ vᵢ Pᵢ, accumulated in float64. Linear in v; v = 0 gives R = 0 (so the
 * adapter starts as the identity, as in the paper). The 1/√u keeps R's scale independent of u when
 * v has unit-scale entries.
 */
export function mixProjections(P: Float32Array, v: ArrayLike<number>, u: number, rank: number): Float32Array {
  checkPositiveInt(u, 'u');
  checkPositiveInt(rank, 'rank');
  const rr = rank * rank;
  if (P.length !== u * rr) throw new Error(`P has ${P.length} entries, expected u × rank × rank = ${u} × ${rank} × ${rank} = ${u * rr}`);
  if (v.length !== u) throw new Error(`v has ${v.length} entries, expected u = ${u}`);
  const acc = new Float64Array(rr);
  for (let i = 0; i < u; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    const o = i * rr;
    for (let e = 0; e < rr; e++) acc[e] += vi * P[o + e];
  }
  const scale = 1 / Math.sqrt(u);
  const R = new Float32Array(rr);
  for (let e = 0; e < rr; e++) R[e] = acc[e] * scale;
  return R;
}

/**
 * Pᵀ per slice, [u, rank, rank]: out[i][b][a] = P[i][a][b]. For a graph that takes v as an input and
 * needs Rᵀ (the branch multiplies by Rᵀ, see {@link lowRankBranch}): with v of shape [B, u],
 * `reshape(v · reshape(Pᵀ, [u, r·r]), [B, r, r]) / √u` is Rᵀ for every row at once, no Transpose node.
 */
export function transposeProjections(P: Float32Array, u: number, rank: number): Float32Array {
  checkPositiveInt(u, 'u');
  checkPositiveInt(rank, 'rank');
  const rr = rank * rank;
  if (P.length !== u * rr) throw new Error(`P has ${P.length} entries, expected u × rank × rank = ${u * rr}`);
  const out = new Float32Array(P.length);
  for (let i = 0; i < u; i++) {
    for (let a = 0; a < rank; a++) for (let b = 0; b < rank; b++) out[i * rr + b * rank + a] = P[i * rr + a * rank + b];
  }
  return out;
}

function checkPositiveInt(x: number, name: string): void {
  if (!Number.isInteger(x) || x < 1) throw new Error(`${name} must be a positive integer (got ${String(x)})`);
}

/**
 * Truncated SVD of a frozen weight: W ≈ U Σ Vᵀ at rank r, the factors TinyLoRA (and LoRA-XS) build
 * the adapter on.
 *
 * Why by hand: no maintained JavaScript linear-algebra library does a fast *truncated* SVD of a
 * Float32Array. ml-matrix's `SingularValueDecomposition` is the full Golub–Kahan SVD, O(n³) time on
 * a 4096 × 4096 weight plus dense float64 copies of U and V, and TinyLoRA needs only r = 1…16 vectors.
 *
 * Method: randomized subspace iteration (Halko, Martinsson & Tropp 2011, Algorithm 4.4):
 *
 *   Ω  [cols, l]  standard normal from the seed, l = min(r + oversample, rows, cols)
 *   Q  = orth(W Ω)                                              [rows, l]
 *   repeat `iterations` times:  Q̃ = orth(Wᵀ Q);  Q = orth(W Q̃)   (power steps, re-orthonormalised
 *                                                                each time so nothing collapses)
 *   Bᵀ = Wᵀ Q                                                    [cols, l]   (B = Qᵀ W, l × cols)
 *   one-sided Jacobi on the l columns of Bᵀ:  Bᵀ J = V̂ Σ̂         (J l × l orthogonal)
 *   so W ≈ Q B = (Q J) Σ̂ V̂ᵀ:  U = Q J,  V = V̂,  sorted by σ, cut to r.
 *
 * Each power step multiplies the gap between wanted and unwanted singular values, so the error
 * approaches the optimal (Eckart–Young) ‖W − W_r‖ quickly; the oversampled extra columns absorb the
 * rest. The cost is (2·iterations + 2) passes over W, each rows·cols·l multiply-adds.
 *
 * Reproducible: the same W, rank and options give bit-identical factors (one thread, a fixed order of
 * operations, a seeded Ω). The sign of each singular pair is fixed: the largest-|entry| of each U column
 * (the first, on a tie) is positive, V's column flipped with it.
 */
import { jacobiOrthogonalize, multiplyW, multiplyWt, orthonormalize } from './dense-kernels.js';
import { createRng, type Rng } from './prng.js';

/** W ≈ U diag(S) Vᵀ, all float32, row-major. */
export interface SvdFactors {
  /** Rows of W (out features). */
  rows: number;
  /** Columns of W (in features). */
  cols: number;
  /** Rank r kept. */
  rank: number;
  /** Left singular vectors, [rows, rank] row-major; orthonormal columns. */
  U: Float32Array;
  /** Singular values, [rank], descending, ≥ 0. */
  S: Float32Array;
  /** Right singular vectors, [cols, rank] row-major; orthonormal columns. */
  V: Float32Array;
}

/** Options of {@link truncatedSvd}. */
export interface SvdOptions {
  /**
   * Seed of the random starting block Ω (any safe integer, taken modulo 2³²).
   * @defaultValue 0
   */
  seed?: number;
  /**
   * Power steps (each one pass of Wᵀ and one of W). More steps, closer to the optimal error.
   * @defaultValue 4
   */
  iterations?: number;
  /**
   * Extra columns carried beyond `rank` and dropped at the end.
   * @defaultValue 8
   */
  oversample?: number;
}

/**
 * The defaults of {@link SvdOptions}. An adapter file records `seed` and `iterations`; `oversample` is
 * not recorded and must stay at this value for files of format `tinysweep.tinylora/1` to rebuild.
 */
export const SVD_DEFAULTS: Readonly<Required<SvdOptions>> = Object.freeze({ seed: 0, iterations: 4, oversample: 8 });

/** Upper bound on `iterations`, a guard against typos (a few steps are enough for any weight). */
export const MAX_SVD_ITERATIONS = 100;

/**
 * Rank-`rank` truncated SVD of W ([rows, cols] row-major float32), e.g. a Hugging Face
 * `nn.Linear.weight` ([out, in]). See the module comment for the method.
 * Throws when the shapes disagree, `rank` is not in 1…min(rows, cols), or an option is out of range.
 */
export function truncatedSvd(W: Float32Array, rows: number, cols: number, rank: number, opts: SvdOptions = {}): SvdFactors {
  checkPositiveInt(rows, 'rows');
  checkPositiveInt(cols, 'cols');
  if (W.length !== rows * cols) throw new Error(`W has ${W.length} entries, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`);
  checkPositiveInt(rank, 'rank');
  if (rank > Math.min(rows, cols)) throw new Error(`rank must be at most min(rows, cols) = ${Math.min(rows, cols)} (got ${rank})`);
  const { seed, iterations, oversample } = { ...SVD_DEFAULTS, ...definedOnly(opts) };
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer (got ${String(seed)})`);
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > MAX_SVD_ITERATIONS) {
    throw new Error(`iterations must be an integer from 0 to ${MAX_SVD_ITERATIONS} (got ${String(iterations)})`);
  }
  if (!Number.isInteger(oversample) || oversample < 0) throw new Error(`oversample must be a non-negative integer (got ${String(oversample)})`);
  for (let i = 0; i < W.length; i++) {
    if (!Number.isFinite(W[i])) throw new Error(`W[${i}] is not finite (${W[i]}); cannot factor it`);
  }

  const l = Math.min(rank + oversample, rows, cols);
  const rng = createRng(seed);

  // Blocks of l vectors, each contiguous (see dense-kernels.ts). q: [l][rows], p: [l][cols].
  const p = new Float64Array(l * cols);
  for (let i = 0; i < p.length; i++) p[i] = rng.normal(); // Ω
  const q = new Float64Array(l * rows);
  multiplyW(W, rows, cols, p, l, q); // W Ω
  orthonormalize(q, l, rows, rng);
  for (let it = 0; it < iterations; it++) {
    multiplyWt(W, rows, cols, q, l, p); // Wᵀ Q
    orthonormalize(p, l, cols, rng);
    multiplyW(W, rows, cols, p, l, q); // W Q̃
    orthonormalize(q, l, rows, rng);
  }
  multiplyWt(W, rows, cols, q, l, p); // Bᵀ = Wᵀ Q: column j of Bᵀ is p's vector j
  const J = new Float64Array(l * l);
  jacobiOrthogonalize(p, l, cols, J); // p_j ← σ_j v_j

  // Singular values, and the order that sorts them (descending; ties keep the lower index).
  const sigma = new Float64Array(l);
  for (let j = 0; j < l; j++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += p[j * cols + k] * p[j * cols + k];
    sigma[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: l }, (_, j) => j).sort((a, b) => sigma[b] - sigma[a] || a - b);
  const keep = order.slice(0, rank);

  // U = Q J, column c: Σ_j q_j J[j, c].
  const U = new Float32Array(rows * rank);
  const uCol = new Float64Array(rows);
  keep.forEach((c, a) => {
    uCol.fill(0);
    for (let j = 0; j < l; j++) {
      const w = J[j * l + c];
      if (w === 0) continue;
      const o = j * rows;
      for (let i = 0; i < rows; i++) uCol[i] += w * q[o + i];
    }
    for (let i = 0; i < rows; i++) U[i * rank + a] = uCol[i];
  });

  // V: the Jacobi columns normalised. A column with σ = 0 (W of lower rank than asked) has no
  // direction of its own; give it one orthogonal to the others so V stays orthonormal.
  const vBlock = new Float64Array(rank * cols);
  const S = new Float32Array(rank);
  keep.forEach((c, a) => {
    S[a] = sigma[c];
    const inv = sigma[c] > 0 ? 1 / sigma[c] : 0;
    for (let k = 0; k < cols; k++) vBlock[a * cols + k] = p[c * cols + k] * inv;
  });
  completeZeroColumns(vBlock, S, rank, cols, rng);
  const V = new Float32Array(cols * rank);
  for (let a = 0; a < rank; a++) for (let k = 0; k < cols; k++) V[k * rank + a] = vBlock[a * cols + k];

  fixSigns(U, V, rows, cols, rank);
  return { rows, cols, rank, U, S, V };
}

/** Replaces the V columns whose σ is 0 by unit vectors orthogonal to all the others. */
function completeZeroColumns(vBlock: Float64Array, S: Float32Array, rank: number, cols: number, rng: Rng): void {
  const zero: number[] = [];
  for (let a = 0; a < rank; a++) if (!(S[a] > 0)) zero.push(a);
  if (zero.length === 0) return;
  // Put the good columns first, orthonormalise (a no-op for them up to rounding), restore the order.
  const good = Array.from({ length: rank }, (_, a) => a).filter((a) => S[a] > 0);
  const ordered = [...good, ...zero];
  const tmp = new Float64Array(rank * cols);
  ordered.forEach((a, slot) => {
    if (S[a] > 0) tmp.set(vBlock.subarray(a * cols, (a + 1) * cols), slot * cols);
    else for (let k = 0; k < cols; k++) tmp[slot * cols + k] = rng.normal();
  });
  orthonormalize(tmp, rank, cols, rng);
  ordered.forEach((a, slot) => {
    if (!(S[a] > 0)) vBlock.set(tmp.subarray(slot * cols, (slot + 1) * cols), a * cols);
  });
}

/** Makes the largest-|entry| of each U column positive (the first one on a tie), flipping V with it. */
function fixSigns(U: Float32Array, V: Float32Array, rows: number, cols: number, rank: number): void {
  for (let a = 0; a < rank; a++) {
    let best = 0;
    let at = 0;
    for (let i = 0; i < rows; i++) {
      const m = Math.abs(U[i * rank + a]);
      if (m > best) {
        best = m;
        at = i;
      }
    }
    if (U[at * rank + a] < 0) {
      for (let i = 0; i < rows; i++) U[i * rank + a] = -U[i * rank + a];
      for (let k = 0; k < cols; k++) V[k * rank + a] = -V[k * rank + a];
    }
  }
}

function checkPositiveInt(x: number, name: string): void {
  if (!Number.isInteger(x) || x < 1) throw new Error(`${name} must be a positive integer (got ${String(x)})`);
}

/** `{ ...defaults, ...opts }` must not let an explicit `undefined` erase a default. */
function definedOnly<T extends object>(opts: T): Partial<T> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<T>;
}

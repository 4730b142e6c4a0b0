/**
 * The adapter as a weight delta and as a side branch of the linear layer.
 *
 * With y = x Wᵀ (Hugging Face `nn.Linear`, W [out, in], x [B, in]) and W' = W + U Σ R Vᵀ:
 *
 *   x W'ᵀ = x Wᵀ + x (U Σ R Vᵀ)ᵀ
 *         = x Wᵀ + x V Rᵀ Σᵀ Uᵀ
 *         = x Wᵀ + ((x · V) · Rᵀ) · (Σ Uᵀ)          (Σ is diagonal, so Σᵀ = Σ)
 *
 *   shapes:  x [B, in] · down = V [in, r]   → [B, r]
 *            [B, r]     · Rᵀ [r, r]         → [B, r]
 *            [B, r]     · up = Σ Uᵀ [r, out] → [B, out]
 *
 * So the graph never builds the [out, in] delta: it adds a rank-r branch of three small MatMuls, and
 * R (from the input v) is the only part that changes between trials or population members.
 * {@link deltaWeight} and {@link mergeAdapter} build the dense form, the reference tests check the
 * graph against (and a way to export a merged model).
 */
import type { SvdFactors } from './svd.js';

/** The two frozen matrices of the branch `delta(x) = ((x · down) · Rᵀ) · up`. */
export interface LowRankBranch {
  /** V, [cols (in), rank] row-major. */
  down: Float32Array;
  /** Σ Uᵀ, [rank, rows (out)] row-major: up[a][o] = S[a] · U[o][a]. */
  up: Float32Array;
}

/** The frozen branch matrices of one module (see the module comment for the identity). */
export function lowRankBranch(f: SvdFactors): LowRankBranch {
  checkFactors(f);
  const { rows, rank, U, S } = f;
  const up = new Float32Array(rank * rows);
  for (let a = 0; a < rank; a++) {
    const s = S[a];
    for (let o = 0; o < rows; o++) up[a * rows + o] = s * U[o * rank + a];
  }
  return { down: Float32Array.from(f.V), up };
}

/** ΔW = U Σ R Vᵀ, [rows, cols] row-major float32 (float64 accumulation). R is [rank, rank]. */
export function deltaWeight(f: SvdFactors, R: Float32Array): Float32Array {
  return addDelta(f, R, undefined);
}

/** W + U Σ R Vᵀ as a new array (W is left alone): the merged weight, summed in float64 before rounding. */
export function mergeAdapter(W: Float32Array, f: SvdFactors, R: Float32Array): Float32Array {
  if (W.length !== f.rows * f.cols) throw new Error(`W has ${W.length} entries, expected rows × cols = ${f.rows} × ${f.cols} = ${f.rows * f.cols}`);
  return addDelta(f, R, W);
}

/** (base +) U Σ R Vᵀ. */
function addDelta(f: SvdFactors, R: Float32Array, base: Float32Array | undefined): Float32Array {
  checkFactors(f);
  const { rows, cols, rank, U, S, V } = f;
  if (R.length !== rank * rank) throw new Error(`R has ${R.length} entries, expected rank × rank = ${rank * rank}`);
  // M = U Σ R  [rows, rank]
  const M = new Float64Array(rows * rank);
  for (let o = 0; o < rows; o++) {
    for (let a = 0; a < rank; a++) {
      const us = U[o * rank + a] * S[a];
      if (us === 0) continue;
      for (let b = 0; b < rank; b++) M[o * rank + b] += us * R[a * rank + b];
    }
  }
  // ΔW[o, k] = Σ_b M[o, b] V[k, b]
  const delta = new Float32Array(rows * cols);
  for (let o = 0; o < rows; o++) {
    const mo = o * rank;
    const ro = o * cols;
    for (let k = 0; k < cols; k++) {
      let s = base === undefined ? 0 : base[ro + k];
      const vo = k * rank;
      for (let b = 0; b < rank; b++) s += M[mo + b] * V[vo + b];
      delta[ro + k] = s;
    }
  }
  return delta;
}

function checkFactors(f: SvdFactors): void {
  const { rows, cols, rank } = f;
  if (f.U.length !== rows * rank) throw new Error(`factors: U has ${f.U.length} entries, expected rows × rank = ${rows * rank}`);
  if (f.S.length !== rank) throw new Error(`factors: S has ${f.S.length} entries, expected rank = ${rank}`);
  if (f.V.length !== cols * rank) throw new Error(`factors: V has ${f.V.length} entries, expected cols × rank = ${cols * rank}`);
}

/**
 * The dense kernels behind {@link truncatedSvd}: products of the big frozen weight with a thin block
 * of vectors, Gram–Schmidt orthonormalisation, and one-sided Jacobi. Internal (not exported from the
 * package).
 *
 * Layout: a "block" of `l` vectors of length `n` is a Float64Array of `l * n`, vector `j` contiguous at
 * `[j * n, (j + 1) * n)` (a column-major tall-skinny matrix). Every inner loop then runs over a long
 * contiguous stretch of both the weight row and the vector, which is what V8's JIT turns into tight
 * code. Two weight rows meet four vectors per pass (register blocking): each weight row is read from L1
 * and each vector streamed once per two rows, ~1.5× faster than one row at a time on a 4096² weight.
 * Accumulation is in float64 throughout (the weight is float32).
 */
import type { Rng } from './prng.js';

/**
 * out_j = W · x_j for each of the `l` vectors x_j (length cols); out_j has length rows.
 * W is [rows, cols] row-major. Dot-product form: rows i, i+1 of W against vectors j…j+3 in one pass
 * (eight float64 accumulators), so each x_j is streamed once per two rows.
 */
export function multiplyW(W: Float32Array, rows: number, cols: number, x: Float64Array, l: number, out: Float64Array): void {
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const ra = i * cols;
    const rb = ra + cols;
    let j = 0;
    for (; j + 4 <= l; j += 4) {
      const o0 = j * cols;
      const o1 = o0 + cols;
      const o2 = o1 + cols;
      const o3 = o2 + cols;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let k = 0; k < cols; k++) {
        const wa = W[ra + k];
        const wb = W[rb + k];
        const x0 = x[o0 + k];
        const x1 = x[o1 + k];
        const x2 = x[o2 + k];
        const x3 = x[o3 + k];
        a0 += wa * x0;
        a1 += wa * x1;
        a2 += wa * x2;
        a3 += wa * x3;
        b0 += wb * x0;
        b1 += wb * x1;
        b2 += wb * x2;
        b3 += wb * x3;
      }
      out[j * rows + i] = a0;
      out[(j + 1) * rows + i] = a1;
      out[(j + 2) * rows + i] = a2;
      out[(j + 3) * rows + i] = a3;
      out[j * rows + i + 1] = b0;
      out[(j + 1) * rows + i + 1] = b1;
      out[(j + 2) * rows + i + 1] = b2;
      out[(j + 3) * rows + i + 1] = b3;
    }
    if (j + 2 <= l) {
      const o0 = j * cols;
      const o1 = o0 + cols;
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      for (let k = 0; k < cols; k++) {
        const wa = W[ra + k];
        const wb = W[rb + k];
        const x0 = x[o0 + k];
        const x1 = x[o1 + k];
        a0 += wa * x0;
        a1 += wa * x1;
        b0 += wb * x0;
        b1 += wb * x1;
      }
      out[j * rows + i] = a0;
      out[(j + 1) * rows + i] = a1;
      out[j * rows + i + 1] = b0;
      out[(j + 1) * rows + i + 1] = b1;
      j += 2;
    }
    for (; j < l; j++) {
      const o0 = j * cols;
      let a0 = 0;
      let b0 = 0;
      for (let k = 0; k < cols; k++) {
        const x0 = x[o0 + k];
        a0 += W[ra + k] * x0;
        b0 += W[rb + k] * x0;
      }
      out[j * rows + i] = a0;
      out[j * rows + i + 1] = b0;
    }
  }
  if (i < rows) {
    // The odd last row.
    const ra = i * cols;
    for (let j = 0; j < l; j++) {
      const o0 = j * cols;
      let a0 = 0;
      for (let k = 0; k < cols; k++) a0 += W[ra + k] * x[o0 + k];
      out[j * rows + i] = a0;
    }
  }
}

/**
 * out_j = Wᵀ · y_j for each of the `l` vectors y_j (length rows); out_j has length cols.
 * Axpy form: out_j += y_j[i] · W[i, :] + y_j[i+1] · W[i+1, :], so W is read row by row (never down
 * a column), two rows against four vectors per pass over the accumulators.
 */
export function multiplyWt(W: Float32Array, rows: number, cols: number, y: Float64Array, l: number, out: Float64Array): void {
  out.fill(0, 0, l * cols);
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const ra = i * cols;
    const rb = ra + cols;
    let j = 0;
    for (; j + 4 <= l; j += 4) {
      const o0 = j * cols;
      const o1 = o0 + cols;
      const o2 = o1 + cols;
      const o3 = o2 + cols;
      const a0 = y[j * rows + i];
      const a1 = y[(j + 1) * rows + i];
      const a2 = y[(j + 2) * rows + i];
      const a3 = y[(j + 3) * rows + i];
      const b0 = y[j * rows + i + 1];
      const b1 = y[(j + 1) * rows + i + 1];
      const b2 = y[(j + 2) * rows + i + 1];
      const b3 = y[(j + 3) * rows + i + 1];
      for (let k = 0; k < cols; k++) {
        const wa = W[ra + k];
        const wb = W[rb + k];
        out[o0 + k] += wa * a0 + wb * b0;
        out[o1 + k] += wa * a1 + wb * b1;
        out[o2 + k] += wa * a2 + wb * b2;
        out[o3 + k] += wa * a3 + wb * b3;
      }
    }
    if (j + 2 <= l) {
      const o0 = j * cols;
      const o1 = o0 + cols;
      const a0 = y[j * rows + i];
      const a1 = y[(j + 1) * rows + i];
      const b0 = y[j * rows + i + 1];
      const b1 = y[(j + 1) * rows + i + 1];
      for (let k = 0; k < cols; k++) {
        const wa = W[ra + k];
        const wb = W[rb + k];
        out[o0 + k] += wa * a0 + wb * b0;
        out[o1 + k] += wa * a1 + wb * b1;
      }
      j += 2;
    }
    for (; j < l; j++) {
      const o0 = j * cols;
      const a0 = y[j * rows + i];
      const b0 = y[j * rows + i + 1];
      for (let k = 0; k < cols; k++) out[o0 + k] += W[ra + k] * a0 + W[rb + k] * b0;
    }
  }
  if (i < rows) {
    const ra = i * cols;
    for (let j = 0; j < l; j++) {
      const o0 = j * cols;
      const a0 = y[j * rows + i];
      for (let k = 0; k < cols; k++) out[o0 + k] += W[ra + k] * a0;
    }
  }
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ao + k] * b[bo + k];
  return s;
}

/** x[xo..] -= c · q[qo..] */
function subtractScaled(x: Float64Array, xo: number, q: Float64Array, qo: number, c: number, n: number): void {
  for (let k = 0; k < n; k++) x[xo + k] -= c * q[qo + k];
}

/** A column that loses more than this fraction of its norm to the ones before it counts as dependent. */
const DEPENDENT = 1e-10;

/**
 * Orthonormalises the `l` vectors of a block in place: modified Gram–Schmidt, run twice per vector
 * ("twice is enough", Giraud et al. 2005) so the result is orthonormal to rounding even when the
 * vectors are nearly dependent, as they are after a few power steps. A vector that is (numerically)
 * in the span of those before it is replaced by a fresh random one from `rng`, orthogonalised the
 * same way; so the block always comes back with `l` orthonormal vectors, whatever the rank of W.
 * Needs l ≤ n.
 */
export function orthonormalize(x: Float64Array, l: number, n: number, rng: Rng): void {
  for (let j = 0; j < l; j++) {
    const o = j * n;
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(dot(x, o, x, o, n));
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < j; p++) subtractScaled(x, o, x, p * n, dot(x, p * n, x, o, n), n);
      }
      const after = Math.sqrt(dot(x, o, x, o, n));
      if (after > 0 && after > DEPENDENT * before) {
        const inv = 1 / after;
        for (let k = 0; k < n; k++) x[o + k] *= inv;
        break;
      }
      if (attempt >= 8) throw new Error(`orthonormalize: could not complete a basis of ${l} vectors in dimension ${n}`);
      for (let k = 0; k < n; k++) x[o + k] = rng.normal();
    }
  }
}

/** Largest |cos| between two columns that Jacobi still rotates away. */
const JACOBI_TOLERANCE = 1e-14;
const JACOBI_MAX_SWEEPS = 60;

/**
 * One-sided (Hestenes) Jacobi on the `l` columns of a block: plane rotations applied to pairs of
 * columns until every pair is orthogonal (|a_p·a_q| ≤ tol·‖a_p‖‖a_q‖). Afterwards column j is
 * σ_j·v_j with v_j orthonormal, and `J` (l × l, row-major, starting at the identity) holds the
 * product of the rotations: A_in · J = A_out. Cyclic-by-row order, so deterministic.
 * Rotation formulas from Demmel & Veselić (1992); only `sqrt`, no trigonometry.
 */
export function jacobiOrthogonalize(a: Float64Array, l: number, n: number, J: Float64Array): void {
  J.fill(0, 0, l * l);
  for (let j = 0; j < l; j++) J[j * l + j] = 1;
  for (let sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        const po = p * n;
        const qo = q * n;
        const alpha = dot(a, po, a, po, n);
        const beta = dot(a, qo, a, qo, n);
        const gamma = dot(a, po, a, qo, n);
        if (alpha === 0 || beta === 0 || Math.abs(gamma) <= JACOBI_TOLERANCE * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        // t = tan θ, the smaller root of t² + 2ζt − 1 = 0; for huge ζ, t ≈ 1/(2ζ) avoids overflow in ζ².
        const t = Math.abs(zeta) > 1e150 ? 1 / (2 * zeta) : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < n; k++) {
          const ap = a[po + k];
          const aq = a[qo + k];
          a[po + k] = c * ap - s * aq;
          a[qo + k] = s * ap + c * aq;
        }
        for (let r = 0; r < l; r++) {
          const jp = J[r * l + p];
          const jq = J[r * l + q];
          J[r * l + p] = c * jp - s * jq;
          J[r * l + q] = s * jp + c * jq;
        }
      }
    }
    if (!rotated) return;
  }
}

/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method (Jacobi 1846; the
 * rotation formulas as in Numerical Recipes §11.1 and Golub & Van Loan §8.5): sweep over every
 * off-diagonal pair (p, q), zero a_pq with a plane rotation, accumulate the rotations in V, until
 * the off-diagonal mass is negligible. Convergence is quadratic; 6–10 sweeps is typical.
 *
 * Why by hand: CMA-ES needs C = B D² Bᵀ every few generations for d up to a few hundred, and there is
 * no maintained JavaScript eigensolver worth a dependency for that (the usual numeric packages are
 * unmaintained or far larger than this). Jacobi is ~60 lines, unconditionally stable, gives
 * orthonormal eigenvectors to machine precision, and costs O(d³) per sweep — about 10⁸ flops a sweep
 * at d = 300, paid once every λ/(c₁+c_μ)/d/10 generations.
 */

export interface SymmetricEigen {
  /** Eigenvalues, [n] (in no particular order). */
  values: Float64Array;
  /** Eigenvectors as columns, row-major [n × n]: vector j is (vectors[0·n+j], …, vectors[(n−1)·n+j]). */
  vectors: Float64Array;
  /** Sweeps used. */
  sweeps: number;
}

/** Sweeps before giving up (never reached for a symmetric input in practice). */
const MAX_SWEEPS = 100;

/**
 * Decomposes the symmetric matrix `a` (row-major [n × n]; only symmetry-consistent inputs make sense,
 * the upper triangle is mirrored onto the lower one first). `a` is not modified.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || a.length !== n * n) throw new Error(`symmetricEigen needs an n × n matrix (n = ${n}, length ${a.length})`);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    A[i * n + i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) A[i * n + j] = A[j * n + i] = a[i * n + j];
  }
  if (A.some((x) => !Number.isFinite(x))) throw new Error('symmetricEigen: the matrix has a non-finite entry');
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;

  let total = 0;
  for (let i = 0; i < n * n; i++) total += A[i] * A[i];
  const tolerance = total * Number.EPSILON * Number.EPSILON; // off-diagonal Σa² below this: done

  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Negligible against both diagonal entries: zero it without rotating.
        if (sweeps > 3 && Math.abs(app) + 100 * Math.abs(apq) === Math.abs(app) && Math.abs(aqq) + 100 * Math.abs(apq) === Math.abs(aqq)) {
          A[p * n + q] = A[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        // t = tan of the rotation angle, the smaller root of t² + 2tθ − 1 = 0.
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        A[p * n + p] = app - t * apq;
        A[q * n + q] = aqq + t * apq;
        A[p * n + q] = A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          const kp = c * akp - s * akq;
          const kq = s * akp + c * akq;
          A[k * n + p] = A[p * n + k] = kp;
          A[k * n + q] = A[q * n + k] = kq;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (sweeps === MAX_SWEEPS) throw new Error(`symmetricEigen did not converge in ${MAX_SWEEPS} sweeps`);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V, sweeps };
}

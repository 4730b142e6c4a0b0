/**
 * Analytic objectives for optimizer specs and benchmarks, written as fitness to **maximise** (the
 * negated textbook functions). Internal: not exported from the package.
 */

/** A shifted negative quadratic −‖v − c‖², maximum 0 at c. */
export function negatedSphere(center: ArrayLike<number>): (v: ArrayLike<number>) => number {
  return (v) => {
    let s = 0;
    for (let i = 0; i < center.length; i++) s -= (v[i] - center[i]) ** 2;
    return s;
  };
}

/** A deterministic, irregular optimum for dim d: c_i = 0.5·sin(1.7 i + 0.3) + 0.2. */
export function shiftedCenter(d: number): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => 0.5 * Math.sin(1.7 * i + 0.3) + 0.2);
}

/** −Rosenbrock: −Σ 100(v_{i+1} − v_i²)² + (1 − v_i)², maximum 0 at (1, …, 1). */
export function negatedRosenbrock(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i + 1 < v.length; i++) s += 100 * (v[i + 1] - v[i] * v[i]) ** 2 + (1 - v[i]) ** 2;
  return -s;
}

/**
 * −Rotated ellipsoid: −Σ 10^{6 i/(d−1)} (R(v − c))_i², condition number 10⁶, with R a fixed orthogonal
 * matrix (Gram–Schmidt of a deterministic matrix), so the axes are not the coordinate axes.
 */
export function negatedRotatedEllipsoid(d: number, center: ArrayLike<number>): (v: ArrayLike<number>) => number {
  const R = orthogonalMatrix(d);
  const scales = Float64Array.from({ length: d }, (_, i) => (d === 1 ? 1 : 10 ** ((6 * i) / (d - 1))));
  return (v) => {
    let s = 0;
    for (let i = 0; i < d; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) r += R[i * d + j] * (v[j] - center[j]);
      s += scales[i] * r * r;
    }
    return -s;
  };
}

/** A fixed d × d orthogonal matrix, row-major (modified Gram–Schmidt on rows of sin(i·d + j + 1)). */
export function orthogonalMatrix(d: number): Float64Array {
  const M = Float64Array.from({ length: d * d }, (_, k) => Math.sin(k * 1.3 + 1) + (k % (d + 1) === 0 ? 0.5 : 0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += M[i * d + k] * M[j * d + k];
      for (let k = 0; k < d; k++) M[i * d + k] -= dot * M[j * d + k];
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += M[i * d + k] ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) M[i * d + k] /= norm;
  }
  return M;
}

/** Squared distance. */
export function distanceSq(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Runs whole generations of `opt` on `f` while they fit in `budget` evaluations; returns the evaluations used. */
export function optimise(opt: { ask(): Float32Array[]; tell(fitness: readonly number[]): void }, f: (v: Float32Array) => number, budget: number): number {
  let used = 0;
  for (let candidates = opt.ask(); used + candidates.length <= budget; candidates = opt.ask()) {
    opt.tell(candidates.map(f));
    used += candidates.length;
  }
  return used;
}

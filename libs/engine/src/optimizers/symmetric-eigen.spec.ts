import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { symmetricEigen } from './symmetric-eigen.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.next() * 2 - 1;
  return a;
}

/** max |A V − V Λ| and max |VᵀV − I|. */
function residuals(a: Float64Array, n: number): { eig: number; orth: number } {
  const { values, vectors: V } = symmetricEigen(a, n);
  let eig = 0;
  let orth = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let av = 0;
      let vtv = 0;
      for (let k = 0; k < n; k++) {
        av += a[i * n + k] * V[k * n + j];
        vtv += V[k * n + i] * V[k * n + j];
      }
      eig = Math.max(eig, Math.abs(av - V[i * n + j] * values[j]));
      orth = Math.max(orth, Math.abs(vtv - (i === j ? 1 : 0)));
    }
  }
  return { eig, orth };
}

describe('symmetricEigen (Jacobi)', () => {
  it.each([1, 2, 7, 40, 150])('decomposes a random symmetric %i × %i matrix to machine precision', (n) => {
    const { eig, orth } = residuals(randomSymmetric(n, n), n);
    expect(eig).toBeLessThan(1e-12 * n);
    expect(orth).toBeLessThan(1e-13 * n);
  });

  it('finds known eigenvalues', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    expect(Array.from(symmetricEigen([2, 1, 1, 2], 2).values).sort()).toEqual([1, 3].map((x) => expect.closeTo(x, 14)));
    // A diagonal matrix is its own decomposition, in zero sweeps.
    const diag = symmetricEigen([5, 0, 0, 0, -2, 0, 0, 0, 1e-9], 3);
    expect(Array.from(diag.values)).toEqual([5, -2, 1e-9]);
    expect(diag.sweeps).toBe(0);
    // Repeated eigenvalues: 2·I + (rank one) has eigenvalue 2 with multiplicity n − 1.
    const n = 5;
    const a = Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 2 : 0) + 1);
    const values = Array.from(symmetricEigen(a, n).values).sort((x, y) => x - y);
    values.slice(0, n - 1).forEach((v) => expect(v).toBeCloseTo(2, 12));
    expect(values[n - 1]).toBeCloseTo(2 + n, 12);
  });

  it('rejects a matrix of the wrong size or with a non-finite entry', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/n × n/);
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/non-finite/);
  });
});

import { describe, expect, it } from 'vitest';
import { jacobiOrthogonalize, multiplyW, multiplyWt, orthonormalize } from './dense-kernels.js';
import { createRng } from './prng.js';

const rng = createRng(17);
const normals = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());

describe('dense kernels', () => {
  it('multiplyW and multiplyWt match the naive products for every block remainder and odd row counts', () => {
    for (const [rows, cols] of [
      [7, 5],
      [8, 3],
      [1, 9],
    ]) {
      const W = Float32Array.from(normals(rows * cols));
      for (let l = 1; l <= 7; l++) {
        const x = normals(l * cols);
        const y = normals(l * rows);
        const wx = new Float64Array(l * rows);
        const wty = new Float64Array(l * cols).fill(99); // multiplyWt must overwrite, not add to, its output
        multiplyW(W, rows, cols, x, l, wx);
        multiplyWt(W, rows, cols, y, l, wty);
        for (let j = 0; j < l; j++) {
          for (let i = 0; i < rows; i++) {
            let s = 0;
            for (let k = 0; k < cols; k++) s += W[i * cols + k] * x[j * cols + k];
            expect(wx[j * rows + i]).toBeCloseTo(s, 12);
          }
          for (let k = 0; k < cols; k++) {
            let s = 0;
            for (let i = 0; i < rows; i++) s += W[i * cols + k] * y[j * rows + i];
            expect(wty[j * cols + k]).toBeCloseTo(s, 12);
          }
        }
      }
    }
  });

  it('orthonormalize completes a basis from dependent vectors', () => {
    const n = 6;
    const x = new Float64Array(4 * n);
    x.set(normals(n), 0);
    x.set(x.subarray(0, n).map((v) => 2 * v), n); // a multiple of the first
    // vectors 2 and 3 stay zero
    orthonormalize(x, 4, n, rng);
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += x[a * n + k] * x[b * n + k];
        expect(d).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });

  it('jacobiOrthogonalize leaves orthogonal columns and A·J = result', () => {
    const l = 5;
    const n = 30;
    const a = normals(l * n);
    const original = Float64Array.from(a);
    const J = new Float64Array(l * l);
    jacobiOrthogonalize(a, l, n, J);
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += a[p * n + k] * a[q * n + k];
        expect(Math.abs(d)).toBeLessThan(1e-12);
      }
    }
    for (let c = 0; c < l; c++) {
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let j = 0; j < l; j++) s += original[j * n + k] * J[j * l + c];
        expect(a[c * n + k]).toBeCloseTo(s, 12);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from './prng.js';
import { truncatedSvd, type SvdFactors } from './svd.js';

/** n orthonormal vectors of length m (float64, column j at [j*m, (j+1)*m)): Gram–Schmidt of normals. */
function randomOrthonormal(rng: Rng, m: number, n: number): Float64Array {
  const q = new Float64Array(n * m);
  for (let j = 0; j < n; j++) {
    const o = j * m;
    for (let i = 0; i < m; i++) q[o + i] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += q[p * m + i] * q[o + i];
        for (let i = 0; i < m; i++) q[o + i] -= d * q[p * m + i];
      }
    }
    let s = 0;
    for (let i = 0; i < m; i++) s += q[o + i] ** 2;
    for (let i = 0; i < m; i++) q[o + i] /= Math.sqrt(s);
  }
  return q;
}

/** W = Σ_k σ_k u_k v_kᵀ with random orthonormal u, v: a matrix whose spectrum is exactly `sigma`. */
function planted(seed: number, rows: number, cols: number, sigma: number[]): Float32Array {
  const rng = createRng(seed);
  const n = sigma.length;
  const U = randomOrthonormal(rng, rows, n);
  const V = randomOrthonormal(rng, cols, n);
  const W = new Float32Array(rows * cols);
  const row = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    row.fill(0);
    for (let k = 0; k < n; k++) {
      const a = sigma[k] * U[k * rows + i];
      for (let j = 0; j < cols; j++) row[j] += a * V[k * cols + j];
    }
    for (let j = 0; j < cols; j++) W[i * cols + j] = row[j];
  }
  return W;
}

function reconstruct(f: SvdFactors): Float64Array {
  const { rows, cols, rank, U, S, V } = f;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < rank; a++) {
      const us = U[i * rank + a] * S[a];
      for (let j = 0; j < cols; j++) out[i * cols + j] += us * V[j * rank + a];
    }
  }
  return out;
}

function frobenius(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function residual(W: Float32Array, f: SvdFactors): number {
  const R = reconstruct(f);
  let s = 0;
  for (let i = 0; i < W.length; i++) s += (W[i] - R[i]) ** 2;
  return Math.sqrt(s);
}

/** max |MᵀM − I| for M [n, k] row-major. */
function orthonormalityError(M: Float32Array, n: number, k: number): number {
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += M[i * k + a] * M[i * k + b];
      worst = Math.max(worst, Math.abs(d - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

function randomMatrix(seed: number, rows: number, cols: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * cols }, () => rng.normal());
}

describe('truncatedSvd', () => {
  it('reconstructs a matrix of rank r exactly (tall and wide)', () => {
    for (const [rows, cols] of [
      [120, 80],
      [64, 150],
    ]) {
      const W = planted(1, rows, cols, [5, 3, 2, 1, 0.5]);
      const f = truncatedSvd(W, rows, cols, 5);
      expect(residual(W, f) / frobenius(W)).toBeLessThan(1e-4);
      expect(Array.from(f.S)).toEqual([5, 3, 2, 1, 0.5].map((s) => expect.closeTo(s, 4)));
    }
  });

  it('is within 1% of the optimal (Eckart–Young) error on a planted decaying spectrum', () => {
    const rows = 300;
    const cols = 200;
    const spectra: Record<string, number[]> = {
      'power law 1/(k+1)': Array.from({ length: 200 }, (_, k) => 1 / (k + 1)),
      'slow power law 1/√(k+1)': Array.from({ length: 200 }, (_, k) => 1 / Math.sqrt(k + 1)),
      'geometric 0.9^k': Array.from({ length: 200 }, (_, k) => 0.9 ** k),
    };
    for (const [name, sigma] of Object.entries(spectra)) {
      const W = planted(7, rows, cols, sigma);
      for (const rank of [1, 2, 8, 16]) {
        const optimal = Math.sqrt(sigma.slice(rank).reduce((s, x) => s + x * x, 0));
        const f = truncatedSvd(W, rows, cols, rank);
        const err = residual(W, f);
        expect(err / optimal, `${name}, rank ${rank}`).toBeLessThan(1.01);
        expect(err / optimal, `${name}, rank ${rank}`).toBeGreaterThan(0.999);
        for (let a = 0; a < rank; a++) expect(Math.abs(f.S[a] - sigma[a]) / sigma[a], `${name} σ${a}`).toBeLessThan(1e-2);
      }
    }
  });

  it('is deterministic bit for bit, and the seed matters only in the last digits', () => {
    const W = randomMatrix(3, 90, 70);
    const a = truncatedSvd(W, 90, 70, 4, { seed: 11 });
    const b = truncatedSvd(W, 90, 70, 4, { seed: 11 });
    for (const key of ['U', 'S', 'V'] as const) expect(Buffer.from(a[key].buffer).equals(Buffer.from(b[key].buffer))).toBe(true);
    const c = truncatedSvd(W, 90, 70, 4, { seed: 12 });
    expect(Buffer.from(a.U.buffer).equals(Buffer.from(c.U.buffer))).toBe(false);
  });

  it('returns orthonormal U and V, descending S, and the fixed sign convention', () => {
    const W = randomMatrix(4, 150, 100);
    const f = truncatedSvd(W, 150, 100, 16);
    expect(f.U.length).toBe(150 * 16);
    expect(f.V.length).toBe(100 * 16);
    expect(orthonormalityError(f.U, 150, 16)).toBeLessThan(1e-4);
    expect(orthonormalityError(f.V, 100, 16)).toBeLessThan(1e-4);
    for (let a = 1; a < 16; a++) expect(f.S[a]).toBeLessThanOrEqual(f.S[a - 1]);
    for (let a = 0; a < 16; a++) {
      let at = 0;
      for (let i = 1; i < 150; i++) if (Math.abs(f.U[i * 16 + a]) > Math.abs(f.U[at * 16 + a])) at = i;
      expect(f.U[at * 16 + a]).toBeGreaterThan(0);
    }
  });

  it('keeps U and V orthonormal when W has lower rank than asked, or is zero', () => {
    const W = planted(5, 40, 30, [2, 1]);
    const f = truncatedSvd(W, 40, 30, 6);
    expect(orthonormalityError(f.U, 40, 6)).toBeLessThan(1e-4);
    expect(orthonormalityError(f.V, 30, 6)).toBeLessThan(1e-4);
    expect(f.S[0]).toBeCloseTo(2, 5);
    expect(f.S[1]).toBeCloseTo(1, 5);
    for (let a = 2; a < 6; a++) expect(f.S[a]).toBeLessThan(1e-5);
    expect(residual(W, f) / frobenius(W)).toBeLessThan(1e-5);

    const z = truncatedSvd(new Float32Array(20 * 10), 20, 10, 3);
    expect(Array.from(z.S)).toEqual([0, 0, 0]);
    expect(orthonormalityError(z.U, 20, 3)).toBeLessThan(1e-5);
    expect(orthonormalityError(z.V, 10, 3)).toBeLessThan(1e-5);
  });

  it('is exact at full rank, and with zero power steps still orthonormal', () => {
    const W = randomMatrix(6, 12, 9);
    const full = truncatedSvd(W, 12, 9, 9);
    expect(residual(W, full) / frobenius(W)).toBeLessThan(1e-5);
    const noPower = truncatedSvd(W, 12, 9, 3, { iterations: 0, oversample: 0 });
    expect(orthonormalityError(noPower.U, 12, 3)).toBeLessThan(1e-5);
    expect(orthonormalityError(noPower.V, 9, 3)).toBeLessThan(1e-5);
  });

  it('names the bad argument', () => {
    const W = new Float32Array(12);
    expect(() => truncatedSvd(W, 3, 5, 1)).toThrow(/W has 12 entries/);
    expect(() => truncatedSvd(W, 3, 4, 4)).toThrow(/rank must be at most min\(rows, cols\) = 3/);
    expect(() => truncatedSvd(W, 3, 4, 0)).toThrow(/rank must be a positive integer/);
    expect(() => truncatedSvd(W, 3, 4, 1, { iterations: -1 })).toThrow(/iterations/);
    expect(() => truncatedSvd(W, 3, 4, 1, { seed: 0.5 })).toThrow(/seed/);
    expect(() => truncatedSvd(Float32Array.of(1, NaN, 0, 0), 2, 2, 1)).toThrow(/W\[1\] is not finite/);
  });
});

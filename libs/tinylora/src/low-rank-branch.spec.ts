import { describe, expect, it } from 'vitest';
import { deltaWeight, lowRankBranch, mergeAdapter } from './low-rank-branch.js';
import { createRng } from './prng.js';
import { mixProjections, projectionTensor } from './projection.js';
import { truncatedSvd } from './svd.js';

/** C [n, m] = A [n, k] · B [k, m], all row-major, float64. */
function matmul(A: ArrayLike<number>, B: ArrayLike<number>, n: number, k: number, m: number): Float64Array {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) C[i * m + j] += A[i * k + p] * B[p * m + j];
  return C;
}

/** Mᵀ for M [n, m] row-major. */
function transpose(M: ArrayLike<number>, n: number, m: number): Float64Array {
  const T = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[j * n + i] = M[i * m + j];
  return T;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

const rows = 48; // out
const cols = 32; // in
const rank = 4;
const u = 3;
const rng = createRng(21);
const W = Float32Array.from({ length: rows * cols }, () => rng.normal() * 0.1);
const f = truncatedSvd(W, rows, cols, rank);
const P = projectionTensor(5, u, rank);

describe('lowRankBranch: the graph form of the update', () => {
  it('x·(W + ΔW)ᵀ = x·Wᵀ + ((x·down)·Rᵀ)·up', () => {
    const v = [0.7, -1.3, 0.25];
    const R = mixProjections(P, v, u, rank);
    const { down, up } = lowRankBranch(f);
    expect(down.length).toBe(cols * rank);
    expect(up.length).toBe(rank * rows);
    const batch = 5;
    const x = Float32Array.from({ length: batch * cols }, () => rng.normal());

    const merged = mergeAdapter(W, f, R); // [out, in]
    const reference = matmul(x, transpose(merged, rows, cols), batch, cols, rows); // [B, out]

    const base = matmul(x, transpose(W, rows, cols), batch, cols, rows); // x·Wᵀ       [B, out]
    const h = matmul(x, down, batch, cols, rank); //                         x·down     [B, r]
    const hr = matmul(h, transpose(R, rank, rank), batch, rank, rank); //     ·Rᵀ        [B, r]
    const branch = matmul(hr, up, batch, rank, rows); //                      ·up        [B, out]
    const viaBranch = base.map((b, i) => b + branch[i]);

    const diff = reference.map((r, i) => r - viaBranch[i]);
    expect(maxAbs(diff)).toBeLessThan(1e-4 * Math.max(1, maxAbs(reference)));
    expect(maxAbs(branch)).toBeGreaterThan(1e-3); // the adapter does something
  });

  it('deltaWeight is U Σ R Vᵀ, and mergeAdapter adds it without touching W', () => {
    const R = mixProjections(P, [1, 2, 3], u, rank);
    const US = Float64Array.from(f.U, (x, i) => x * f.S[i % rank]); // U Σ [rows, r]
    const expected = matmul(matmul(US, R, rows, rank, rank), transpose(f.V, cols, rank), rows, rank, cols);
    const delta = deltaWeight(f, R);
    expect(maxAbs(delta.map((d, i) => d - expected[i]))).toBeLessThan(1e-5 * maxAbs(expected));
    const before = Float32Array.from(W);
    const merged = mergeAdapter(W, f, R);
    expect(W).toEqual(before);
    expect(maxAbs(merged.map((m, i) => m - W[i] - delta[i]))).toBeLessThan(1e-6);
  });

  it('v = 0 gives R = 0, a zero delta and the base weight back exactly', () => {
    const R = mixProjections(P, [0, 0, 0], u, rank);
    expect(Array.from(R)).toEqual(new Array(rank * rank).fill(0));
    expect(maxAbs(deltaWeight(f, R))).toBe(0);
    expect(mergeAdapter(W, f, R)).toEqual(W);
  });

  it('checks shapes', () => {
    expect(() => deltaWeight(f, new Float32Array(3))).toThrow(/R has 3 entries/);
    expect(() => mergeAdapter(new Float32Array(5), f, new Float32Array(rank * rank))).toThrow(/W has 5 entries/);
    expect(() => lowRankBranch({ ...f, S: new Float32Array(1) })).toThrow(/S has 1 entries/);
  });
});

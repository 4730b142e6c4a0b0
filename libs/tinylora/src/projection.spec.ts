import { describe, expect, it } from 'vitest';
import { mixProjections, projectionTensor, targetSeed, transposeProjections } from './projection.js';

describe('projectionTensor', () => {
  it('is [u, r, r], reproducible from its seed, different for another seed', () => {
    const a = projectionTensor(42, 13, 2);
    expect(a.length).toBe(13 * 2 * 2);
    expect(projectionTensor(42, 13, 2)).toEqual(a);
    expect(projectionTensor(43, 13, 2)).not.toEqual(a);
    // Seeds are taken modulo 2³², so baseSeed + t may pass 2³² − 1.
    expect(projectionTensor(2 ** 32 + 42, 13, 2)).toEqual(a);
  });

  it('has standard normal entries', () => {
    const P = projectionTensor(7, 1000, 10); // 100k draws
    let sum = 0;
    let sq = 0;
    for (const x of P) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / P.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(sq / P.length - mean * mean - 1)).toBeLessThan(0.02);
  });

  it('targetSeed is baseSeed + t (PEFT habit)', () => {
    expect(targetSeed(100, 0)).toBe(100);
    expect(targetSeed(100, 195)).toBe(295);
    expect(() => targetSeed(100, -1)).toThrow(/targetIndex/);
    expect(() => targetSeed(1.5, 0)).toThrow(/baseSeed/);
  });
});

describe('mixProjections', () => {
  const u = 4;
  const r = 3;
  const P = projectionTensor(1, u, r);

  it('is linear in v', () => {
    const v1 = [0.5, -1, 2, 0.25];
    const v2 = [1, 0, -0.5, 3];
    const a = 1.5;
    const b = -0.75;
    const lhs = mixProjections(P, v1.map((x, i) => a * x + b * v2[i]), u, r);
    const R1 = mixProjections(P, v1, u, r);
    const R2 = mixProjections(P, v2, u, r);
    lhs.forEach((x, e) => expect(x).toBeCloseTo(a * R1[e] + b * R2[e], 5));
  });

  it('is scaled by 1/√u: a unit vector picks out Pᵢ / √u', () => {
    for (let i = 0; i < u; i++) {
      const v = new Array(u).fill(0);
      v[i] = 1;
      const R = mixProjections(P, v, u, r);
      for (let e = 0; e < r * r; e++) expect(R[e]).toBeCloseTo(P[i * r * r + e] / 2, 6);
    }
  });

  it('gives R = 0 for v = 0, and checks shapes', () => {
    expect(Array.from(mixProjections(P, new Float32Array(u), u, r))).toEqual(new Array(r * r).fill(0));
    expect(() => mixProjections(P, [1, 2], u, r)).toThrow(/v has 2 entries, expected u = 4/);
    expect(() => mixProjections(P, [1, 2, 3, 4], u, 2)).toThrow(/P has 36 entries/);
    expect(() => mixProjections(P, [1], 0, r)).toThrow(/u must be a positive integer/);
  });
});

describe('transposeProjections', () => {
  it('transposes each slice', () => {
    const P = projectionTensor(3, 2, 3);
    const T = transposeProjections(P, 2, 3);
    for (let i = 0; i < 2; i++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(T[i * 9 + b * 3 + a]).toBe(P[i * 9 + a * 3 + b]);
    expect(transposeProjections(T, 2, 3)).toEqual(P);
  });
});

import { describe, expect, it } from 'vitest';
import { NoiseDomain, createRng, gaussianVector, mixSeed, permutation, rademacherVector, streamSeed } from './random.js';

describe('seeded randomness', () => {
  it('gives the same stream for the same keys and unrelated streams for neighbouring keys', () => {
    expect(mixSeed(1, 2, 3)).toBe(mixSeed(1, 2, 3));
    const seeds = new Set<number>();
    for (let g = 0; g < 50; g++) for (let m = 0; m < 50; m++) seeds.add(streamSeed(NoiseDomain.Es, 0, g, m));
    expect(seeds.size).toBe(2500);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(0)).not.toBe(mixSeed(0, 0));
    expect(streamSeed(NoiseDomain.Es, 1, 0, 0)).not.toBe(streamSeed(NoiseDomain.Spsa, 1, 0, 0));
  });

  it('refuses keys that would alias (fractional, negative, above 2³²)', () => {
    expect(() => mixSeed(1.5)).toThrow(/seed key 0 must be an integer/);
    expect(() => mixSeed(0, -1)).toThrow(/seed key 1/);
    expect(() => mixSeed(2 ** 32)).toThrow(/seed key 0/);
  });

  it('draws standard normals (moments of 200k draws)', () => {
    const x = gaussianVector(12345, 200_001);
    const n = x.length;
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const kurtosis = x.reduce((s, v) => s + (v - mean) ** 4, 0) / n / variance ** 2;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(1, 1);
    expect(kurtosis).toBeCloseTo(3, 1);
    expect(gaussianVector(12345, 10)).toEqual(x.subarray(0, 10));
  });

  it('draws balanced ±1 signs', () => {
    const z = rademacherVector(7, 10_000);
    expect(z.every((v) => v === 1 || v === -1)).toBe(true);
    expect(Math.abs(z.reduce((s, v) => s + v, 0))).toBeLessThan(300);
  });

  it('shuffles deterministically', () => {
    expect(permutation(3, 10)).toEqual(permutation(3, 10));
    expect([...permutation(3, 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(createRng(1).next()).not.toBe(createRng(2).next());
  });
});

import { describe, expect, it } from 'vitest';
import { createRng, seed32 } from './prng.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and another for the next seed', () => {
    const take = (seed: number): number[] => {
      const r = createRng(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    for (const x of take(3)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('pins the stream (changing it would change every stored adapter)', () => {
    const r = createRng(0);
    const n = Array.from({ length: 3 }, () => Math.fround(r.normal()));
    expect(n).toEqual([0.5376721024513245, 0.0853765532374382, -0.26419007778167725]);
  });

  it('reduces seeds modulo 2³² and refuses non-integers', () => {
    expect(seed32(2 ** 32 + 5)).toBe(5);
    expect(seed32(-1)).toBe(2 ** 32 - 1);
    expect(() => seed32(0.5)).toThrow(/seed must be an integer/);
  });
});

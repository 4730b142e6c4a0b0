import { describe, expect, it } from 'vitest';
import { centeredRanks, shapeFitness, zScores } from './fitness-shaping.js';

describe('fitness shaping', () => {
  it('maps ranks linearly onto [−0.5, 0.5] (Salimans et al. 2017)', () => {
    expect(Array.from(centeredRanks([3, 1, 2]))).toEqual([0.5, -0.5, 0]);
    expect(Array.from(centeredRanks([10, 40, 20, 30]))).toEqual([-0.5, 0.5, -1 / 6, 1 / 6].map((x) => expect.closeTo(x, 15)));
    expect(Array.from(centeredRanks([7]))).toEqual([0]);
  });

  it('gives tied values their average rank, so a tied antithetic pair weighs nothing', () => {
    expect(Array.from(centeredRanks([1, 0, 1, 0]))).toEqual([1 / 3, -1 / 3, 1 / 3, -1 / 3].map((x) => expect.closeTo(x, 15)));
    expect(Array.from(centeredRanks([0.5, 0.5, 0.5, 0.5]))).toEqual([0, 0, 0, 0]);
  });

  it('is invariant to strictly increasing transforms', () => {
    const f = [-3.2, 0.1, 5, -0.7, 2.2, 0];
    expect(centeredRanks(f.map(Math.exp))).toEqual(centeredRanks(f));
    expect(centeredRanks(f.map((x) => 100 * x ** 3 - 4))).toEqual(centeredRanks(f));
  });

  it('standardises with z-scores and passes raw values through', () => {
    const z = zScores([1, 2, 3]);
    expect(z[0]).toBeCloseTo(-Math.sqrt(1.5), 14);
    expect(z[1]).toBe(0);
    expect(Array.from(zScores([4, 4]))).toEqual([0, 0]);
    expect(Array.from(shapeFitness([1, -2], 'raw'))).toEqual([1, -2]);
  });
});

import { createRng } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { RegressionForest } from './regression-forest.js';

describe('RegressionForest', () => {
  it('learns a step and an interaction on discrete features, and a smooth curve on a wide one', () => {
    const rng = createRng(3);
    // a: 0..4 (a sweep axis), b: 0/1, c: a float in [0, 1)
    const rows = Array.from({ length: 2000 }, () => [rng.int(5), rng.int(2), rng.next()]);
    const f = ([a, b, c]: number[]) => (a! >= 3 ? 1 : 0) + (a === 4 && b === 1 ? 0.5 : 0) + Math.sin(3 * c!);
    const forest = RegressionForest.fit(rows, rows.map((r) => f(r) + 0.05 * rng.normal()), { seed: 1, trees: 32 });
    for (const r of [[0, 0, 0.1], [3, 0, 0.5], [4, 1, 0.5], [4, 0, 0.9], [2, 1, 0.3]]) expect(Math.abs(forest.predict(r) - f(r))).toBeLessThan(0.15); // noise sd 0.05; a step is 0.5 or 1
  });

  it('is reproducible from its seed, and seeds differ', () => {
    const rng = createRng(4);
    const rows = Array.from({ length: 300 }, () => [rng.int(10), rng.next()]);
    const values = rows.map(([a, b]) => a! * b! + rng.next());
    const probe = [[2, 0.5], [7, 0.1], [9, 0.9]];
    const at = (seed: number) => probe.map((p) => RegressionForest.fit(rows, values, { seed, trees: 8 }).predict(p));
    expect(at(1)).toEqual(at(1));
    expect(at(1)).not.toEqual(at(2));
  });

  it('a constant target gives that constant everywhere; one row is a forest of one leaf', () => {
    const rows = [[1, 2], [3, 4], [5, 6]];
    expect(RegressionForest.fit(rows, [0.7, 0.7, 0.7]).predict([9, 9])).toBeCloseTo(0.7, 12);
    expect(RegressionForest.fit([[1]], [2]).predict([0])).toBe(2);
  });

  it('says what is wrong with mismatched input', () => {
    expect(() => RegressionForest.fit([[1], [2]], [1])).toThrow(/as many values as rows/);
    expect(() => RegressionForest.fit([], [])).toThrow(/at least one/);
  });
});

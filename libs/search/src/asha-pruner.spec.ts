import { describe, expect, it } from 'vitest';
import { AshaPruner } from './asha-pruner.js';

describe('AshaPruner', () => {
  it('puts rungs at minIterations·η^k below maxIterations', () => {
    expect(new AshaPruner({ minIterations: 3, maxIterations: 27 }).rungs).toEqual([3, 9]);
    expect(new AshaPruner({ minIterations: 1, maxIterations: 100, eta: 4 }).rungs).toEqual([1, 4, 16, 64]);
    expect(() => new AshaPruner({ minIterations: 3, maxIterations: 3 })).toThrow(/maxIterations must be greater/);
    expect(() => new AshaPruner({ minIterations: 1, maxIterations: 3, eta: 1 })).toThrow(/eta must be an integer of at least 2/);
  });

  it('keeps the top 1/η of what is recorded at a rung (Optuna’s rule: the best while fewer than η)', () => {
    const asha = new AshaPruner({ minIterations: 1, maxIterations: 9, eta: 3 });
    const seq: Array<[string, number]> = [
      ['a', 0.5], // alone: continues
      ['b', 0.4], // not the best of 2
      ['c', 0.6], // the best of 3
      ['d', 0.55], // 4 → top 1 (0.6): stop
      ['e', 0.1],
      ['f', 0.58], // 6 → top 2 (0.6, 0.58): continue
    ];
    expect(seq.map(([t, v]) => asha.report(t, 1, v))).toEqual(['continue', 'stop', 'continue', 'stop', 'stop', 'continue']);
    expect(asha.valuesAt(1)).toHaveLength(6);
    expect(asha.cutoff(1)).toBe(0.58);
  });

  it('minimizes in min mode, stops NaN, and judges each rung a late report passes', () => {
    const asha = new AshaPruner({ minIterations: 2, maxIterations: 20, eta: 2, mode: 'min' });
    expect(asha.report('a', 2, 1.0)).toBe('continue');
    expect(asha.report('b', 2, 0.5)).toBe('continue'); // lower is better
    expect(asha.report('c', 2, Number.NaN)).toBe('stop');
    // 'd' reports first at iteration 9: recorded at rungs 2, 4 and 8 at once
    expect(asha.report('d', 9, 0.9)).toBe('continue'); // rung 2: 4 values → top 2 are 0.5 and 0.9; rungs 4 and 8: alone
    expect(asha.report('e', 4, 0.95)).toBe('stop'); // rung 2: 5 values → top 2 (0.5, 0.9)
    expect(asha.pendingRungs('d', 16)).toEqual([16]);
  });

  it('restores shared state with record() without deciding', () => {
    const asha = new AshaPruner({ minIterations: 3, maxIterations: 27 });
    asha.record('x', 3, 0.9);
    asha.record('x', 3, 0.1); // first value wins: a re-sent step changes nothing
    expect(asha.valuesAt(3)).toEqual([0.9]);
    expect(asha.report('y', 3, 0.5)).toBe('stop');
    expect(() => asha.record('x', 4, 1)).toThrow(/4 is not a rung/);
  });
});

import { describe, expect, it } from 'vitest';
import { dominates, nondominatedSort, paretoFront } from './nondominated-sort.js';

describe('nondominatedSort', () => {
  it('sorts points into fronts (max accuracy, min parameters)', () => {
    const modes = ['max', 'min'] as const;
    const pts = [
      { id: 'a', v: [0.9, 100] },
      { id: 'b', v: [0.8, 10] },
      { id: 'c', v: [0.7, 50] }, // dominated by b
      { id: 'd', v: [0.95, 1000] },
      { id: 'e', v: [0.6, 60] }, // dominated by c (and b)
      { id: 'f', v: [0.9, 100] }, // equal to a: neither dominates
      { id: 'g', v: [Number.NaN, 1] }, // not comparable: left out
    ];
    const fronts = nondominatedSort(pts, (p) => p.v, modes).map((f) => f.map((p) => p.id));
    expect(fronts).toEqual([['a', 'b', 'd', 'f'], ['c'], ['e']]);
    expect(dominates([1, 1], [1, 2], modes)).toBe(true);
    expect(dominates([1, 1], [1, 1], modes)).toBe(false);
  });

  it('agrees with a brute-force front on random points', () => {
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pts = Array.from({ length: 200 }, () => [Math.round(rand() * 20), Math.round(rand() * 20), Math.round(rand() * 20)]);
    const modes = ['max', 'min', 'max'] as const;
    const fronts = nondominatedSort(pts, (p) => p, modes);
    const brute = pts.filter((p) => !pts.some((q) => dominates(q, p, modes)));
    expect(fronts[0]).toEqual(brute);
    expect(fronts.flat()).toHaveLength(200);
  });
});

describe('paretoFront', () => {
  it('is the first front of nondominatedSort, ties and duplicates included, for every pair of modes', () => {
    let s = 11;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const modes of [['max', 'min'], ['min', 'max'], ['max', 'max'], ['min', 'min']] as const) {
      for (const n of [0, 1, 2, 5, 40, 300]) {
        // Few distinct values, so equal coordinates and equal points are common; some not comparable.
        const pts = Array.from({ length: n }, (_, i) => (i % 37 === 5 ? [Number.NaN, 1] : [Math.round(rand() * 8), Math.round(rand() * 8)]));
        expect(paretoFront(pts, (p) => p, modes)).toEqual(nondominatedSort(pts, (p) => p, modes)[0] ?? []);
      }
    }
  });

  it('falls back to the nondominated sort past two objectives', () => {
    const pts = [[1, 2, 3], [3, 2, 1], [0, 0, 0]];
    expect(paretoFront(pts, (p) => p, ['max', 'max', 'max'])).toEqual([[1, 2, 3], [3, 2, 1]]);
  });
});

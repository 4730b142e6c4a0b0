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
  it('is the first front of nondominatedSort, equal points kept once (the first), for every pair of modes', () => {
    let s = 11;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const modes of [['max', 'min'], ['min', 'max'], ['max', 'max'], ['min', 'min']] as const) {
      for (const n of [0, 1, 2, 5, 40, 300]) {
        // Few distinct values, so equal coordinates and equal points are common; some not comparable.
        const pts = Array.from({ length: n }, (_, i) => (i % 37 === 5 ? [Number.NaN, 1] : [Math.round(rand() * 8), Math.round(rand() * 8)]));
        const first = (nondominatedSort(pts, (p) => p, modes)[0] ?? []).filter((p, i, all) => all.findIndex((q) => q[0] === p[0] && q[1] === p[1]) === i);
        const front = paretoFront(pts, (p) => p, modes);
        expect(front).toEqual(first);
        // The first of equal points by input order: the very objects, not copies.
        for (const p of front) expect(p).toBe(pts.find((q) => q[0] === p[0] && q[1] === p[1]));
      }
    }
  });

  it('falls back to the nondominated sort past two objectives', () => {
    const pts = [[1, 2, 3], [3, 2, 1], [0, 0, 0]];
    expect(paretoFront(pts, (p) => p, ['max', 'max', 'max'])).toEqual([[1, 2, 3], [3, 2, 1]]);
  });

  it('keeps one of equal points, the first given, with two objectives or more', () => {
    const tied = [
      { id: 'a', v: [0.5, 10] },
      { id: 'b', v: [0.5, 10] }, // equal to a: a stands for it
      { id: 'c', v: [0.5, 20] }, // equal to a in the metric only: dominated
      { id: 'd', v: [0.75, 20] },
      { id: 'e', v: [0.75, 20] },
    ];
    expect(paretoFront(tied, (p) => p.v, ['max', 'min']).map((p) => p.id)).toEqual(['a', 'd']);
    expect(paretoFront([...tied].reverse(), (p) => p.v, ['max', 'min']).map((p) => p.id)).toEqual(['e', 'b']);
    expect(paretoFront(tied, (p) => [...p.v, 1], ['max', 'min', 'max']).map((p) => p.id)).toEqual(['a', 'd']);
  });
});

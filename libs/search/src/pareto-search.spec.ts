import { parseSweepSpec } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { ParetoSearch, type ParetoPoint } from './pareto-search.js';
import { SearchSpace } from './search-space.js';

const spec = (over: Record<string, unknown> = {}) =>
  parseSweepSpec({
    name: 'pareto',
    backend: { kind: 'command', command: ['node', 'p.mjs'] },
    params: { a: [0, 1, 2, 3, 4], b: [0, 1, 2, 3, 4] },
    seeds: [1, 2],
    search: { kind: 'pareto', n: 3, seed: 5, objectives: [{ metric: 'acc', mode: 'max' }, { metric: 'size', mode: 'min' }] },
    budget: { maxTrials: 50 },
    ...over,
  });

describe('SearchSpace', () => {
  it('builds params and hashes as planSweep does, and reads indices back', () => {
    const s = spec({ search: { kind: 'grid' }, budget: { maxTrials: 100 } });
    const space = new SearchSpace(s);
    const planned = new ParetoSearch(spec()).plan().trials;
    for (const t of planned) {
      const idx = space.indicesOf(t.params)!;
      const [again] = space.trials(idx, [t.seed]);
      expect(again).toMatchObject({ configHash: t.configHash, groupHash: t.groupHash, seed: t.seed });
    }
    expect(space.neighbours([0, 2])).toEqual([
      [1, 2],
      [0, 1],
      [0, 3],
    ]);
    expect(space.indicesOf({ a: 9, b: 0 })).toBeUndefined();
  });
});

describe('ParetoSearch', () => {
  const search = new ParetoSearch(spec());
  const point = (a: number, b: number): ParetoPoint => ({ indices: [a, b], values: [a + b / 10, a * b + b] });

  it('plans the initial random sample × seeds', () => {
    const plan = search.plan();
    expect(plan.trials).toHaveLength(6);
    expect(new Set(plan.trials.map((t) => t.groupHash)).size).toBe(3);
  });

  it('proposes unseen neighbours of the front first, seeded and reproducibly', () => {
    const at = (indices: number[], acc: number, size: number): ParetoPoint => ({ indices, values: [acc, size] });
    const finished = [at([1, 1], 0.8, 10), at([2, 0], 0.9, 50), at([0, 0], 0.5, 1), at([1, 3], 0.7, 20)];
    const front = search.front(finished).map((p) => p.indices.join(','));
    expect(front).toEqual(['1,1', '2,0', '0,0']); // (1,3) is dominated by (1,1)
    const proposals = search.propose(finished, 4, []);
    expect(proposals).toHaveLength(4);
    const frontNeighbours = new Set(['0,1', '1,0', '2,1', '1,2', '3,0', '0,2'].filter((k) => !['1,1', '2,0', '0,0', '1,3'].includes(k)));
    for (const p of proposals) expect(frontNeighbours.has(p.join(','))).toBe(true);
    expect(search.propose(finished, 4, [])).toEqual(proposals);
    // in-flight configurations are not proposed again
    const next = search.propose(finished, 10, proposals);
    for (const p of next) expect(proposals.map((q) => q.join(','))).not.toContain(p.join(','));
  });

  it('falls back to later fronts and random unseen configurations, and stops when the space is exhausted', () => {
    const all: ParetoPoint[] = [];
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) if (!(a === 4 && b === 4)) all.push(point(a, b));
    expect(search.propose(all, 5, [])).toEqual([[4, 4]]);
    expect(search.propose([...all, point(4, 4)], 5, [])).toEqual([]);
    expect(search.propose([], 3, [[0, 0]])).toHaveLength(3);
  });
});

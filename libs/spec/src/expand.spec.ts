import { describe, expect, it } from 'vitest';
import { canonicalHash, countTrials, parseSweepSpec, planSweep, SpecError, type SweepSpec } from './index.js';

const base = { name: 'x', model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' } };

function spec(extra: Record<string, unknown>): SweepSpec {
  return parseSweepSpec({ ...base, adapter: {}, ...extra });
}

describe('planSweep: grid', () => {
  it('makes seeds the innermost loop, so replicates of a configuration are adjacent and share groupHash', () => {
    const plan = planSweep(spec({ adapter: { rank: [1, 2] }, params: { lr: [0.1, 0.01] }, seeds: [7, 8, 9] }));
    const rows = plan.trials.map((t) => [(t.params.adapter as { rank: number }).rank, t.params.lr, t.seed]);
    const expected = [1, 2].flatMap((rank) => [0.1, 0.01].flatMap((lr) => [7, 8, 9].map((seed) => [rank, lr, seed])));
    expect(rows).toEqual(expected);
    expect(plan.trials.map((t) => t.ordinal)).toEqual([...plan.trials.keys()]);
    for (let i = 0; i < plan.trials.length; i += 3) {
      const group = plan.trials.slice(i, i + 3);
      expect(new Set(group.map((t) => t.groupHash)).size).toBe(1);
      expect(new Set(group.map((t) => t.configHash)).size).toBe(3);
    }
    expect(new Set(plan.trials.map((t) => t.groupHash)).size).toBe(4);
  });

  it('hashes are canonicalHash of params (with and without seed)', () => {
    const plan = planSweep(spec({ adapter: { tie: ['tiled:16', 'none'], layers: ['all', [3, 1]] }, params: { lr: { uniform: [0, 1] }, tag: 'a"b' }, search: { kind: 'random', n: 3, seed: 1 }, seeds: [0, 5] }));
    for (const t of plan.trials) {
      expect(t.params.seed).toBe(t.seed);
      expect(t.configHash).toBe(canonicalHash(t.params));
      const withoutSeed: Record<string, unknown> = { ...t.params };
      delete withoutSeed.seed;
      expect(t.groupHash).toBe(canonicalHash(withoutSeed));
      expect(t.configHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('collapses configurations that are equal after normalization, keeping the first', () => {
    const plan = planSweep(
      spec({
        adapter: {
          modules: [['q', 'v'], ['v', 'q', 'q'], 'all', ['q', 'k', 'v', 'o', 'gate', 'up', 'down']],
          tie: [{ mode: 'none', n: 4 }, { mode: 'none' }, 'none', { mode: 'tiled', n: 1 }, { mode: 'full', n: 3 }, 'full'],
          layers: ['0-3', [3, 2, 1, 0], 'every:1', 'all'],
        },
        seeds: [1, 2],
      }),
    );
    // 4 module sets → 2 distinct; 6 ties → 2 distinct; 4 layer selections → 2 distinct.
    expect(countTrials(plan.spec)).toBe(4n * 6n * 4n * 2n);
    expect(plan.trials).toHaveLength(2 * 2 * 2 * 2);
    expect(plan.duplicatesCollapsed).toBe(4 * 6 * 4 * 2 - 16);
    expect(plan.trials[0].params.adapter).toEqual({ modules: ['q', 'v'], layers: [0, 1, 2, 3], rank: 2, u: 1, tie: { mode: 'none' } });
    expect(new Set(plan.trials.map((t) => t.configHash)).size).toBe(16);
  });

  it('omits sections the spec does not have; command sweeps carry only their params', () => {
    const plan = planSweep(
      parseSweepSpec({ name: 'c', backend: { kind: 'command', command: ['python3', 'train.py', '--lr', '{lr}', '--seed', '{seed}'] }, params: { lr: [0.1, 0.01], width: 64 } }),
    );
    expect(plan.trials.map((t) => t.params)).toEqual([
      { lr: 0.1, width: 64, seed: 0 },
      { lr: 0.01, width: 64, seed: 0 },
    ]);
  });

  // 10^30 trials could never be materialised: the test's timeout (not a speed target) proves none were.
  it('refuses a spec over budget.maxTrials with the count, without materialising trials', { timeout: 15_000 }, () => {
    // 30 axes × 10 values = 10^30 configurations.
    const params = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]));
    let err: unknown;
    try {
      parseSweepSpec({ ...base, adapter: {}, params });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).issues).toEqual([
      { path: 'budget.maxTrials', message: expect.stringContaining('spec expands to 1,000,000,000,000,000,000,000,000,000,000 trials, over budget.maxTrials = 1,000') },
    ]);

    // planSweep checks too, for specs that did not come through parseSweepSpec.
    const ok = spec({ adapter: { rank: [1, 2, 3, 4] }, seeds: [1, 2, 3], budget: { maxTrials: 12 } });
    expect(planSweep(ok).trials).toHaveLength(12);
    const over: SweepSpec = { ...ok, budget: { ...ok.budget, maxTrials: 11 } };
    expect(() => planSweep(over)).toThrow('spec expands to 12 trials, over budget.maxTrials = 11');
    try {
      planSweep(over);
    } catch (e) {
      expect((e as SpecError).issues[0].path).toBe('budget.maxTrials');
      expect((e as SpecError).message).toMatch(/adapter\.rank 4 × seeds 3/);
    }
  });

  it('expands to the 1,000,000-trial ceiling', () => {
    const seeds = Array.from({ length: 100 }, (_, i) => i);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const big = spec({ adapter: { rank: ten, u: ten }, params: { a: ten, b: ten }, seeds, budget: { maxTrials: 1_000_000 } });
    const plan = planSweep(big);
    expect(plan.trials).toHaveLength(1_000_000);
    expect(plan.trials[999_999].configHash).toBe(canonicalHash(plan.trials[999_999].params));
  }, 120_000);
});

describe('planSweep: random search', () => {
  const randomSpec = (seed: number, n = 20): SweepSpec =>
    spec({
      adapter: { rank: [1, 2, 4], u: [1, 13], layers: ['all', 'last:8', 'every:2'] },
      params: { lr: { loguniform: [1e-4, 1e-1] }, width: { int: [16, 256] }, act: { choice: ['relu', 'gelu'] }, drop: { uniform: [0, 0.5] } },
      search: { kind: 'random', n, seed },
      seeds: [1, 2],
    });

  it('is reproducible by seed and differs between seeds', () => {
    const a = planSweep(randomSpec(42));
    const b = planSweep(randomSpec(42));
    const c = planSweep(randomSpec(43));
    expect(a.trials).toHaveLength(40);
    expect(a.trials.map((t) => t.configHash)).toEqual(b.trials.map((t) => t.configHash));
    expect(a.trials.map((t) => t.params)).toEqual(b.trials.map((t) => t.params));
    expect(a.trials.map((t) => t.configHash)).not.toEqual(c.trials.map((t) => t.configHash));
  });

  it('keeps draws inside their distributions', () => {
    for (const t of planSweep(randomSpec(7, 200)).trials) {
      const p = t.params as { lr: number; width: number; act: string; drop: number };
      expect(p.lr).toBeGreaterThanOrEqual(1e-4);
      expect(p.lr).toBeLessThan(1e-1);
      expect(Number.isInteger(p.width) && p.width >= 16 && p.width <= 256).toBe(true);
      expect(['relu', 'gelu']).toContain(p.act);
      expect(p.drop).toBeGreaterThanOrEqual(0);
      expect(p.drop).toBeLessThan(0.5);
    }
  });

  it('samples grid points without replacement', () => {
    const s = spec({ adapter: { rank: [1, 2, 3, 4, 5], u: [1, 2, 3, 4] }, search: { kind: 'random', n: 20, seed: 3 } });
    const plan = planSweep(s);
    expect(plan.trials).toHaveLength(20);
    expect(plan.duplicatesCollapsed).toBe(0);
    expect(new Set(plan.trials.map((t) => t.configHash)).size).toBe(20);
    // The full grid in a random order, not the grid order.
    const grid = planSweep(spec({ adapter: { rank: [1, 2, 3, 4, 5], u: [1, 2, 3, 4] } }));
    expect(new Set(plan.trials.map((t) => t.configHash))).toEqual(new Set(grid.trials.map((t) => t.configHash)));
    expect(plan.trials.map((t) => t.configHash)).not.toEqual(grid.trials.map((t) => t.configHash));
  });

  it('samples a 10^30-point grid without enumerating it', () => {
    const params = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]));
    const plan = planSweep(spec({ params, search: { kind: 'random', n: 500, seed: 9 } }));
    expect(plan.trials).toHaveLength(500);
    expect(new Set(plan.trials.map((t) => t.groupHash)).size).toBe(500);
  });

  it('counts n × seeds against the budget, and refuses n larger than a grid without distributions', () => {
    expect(() => spec({ params: { lr: { uniform: [0, 1] } }, search: { kind: 'random', n: 600 }, seeds: [1, 2], budget: { maxTrials: 1000 } })).toThrow(/spec expands to 1,200 trials, over budget.maxTrials = 1,000 \(search.n 600 × seeds 2\)/);
    expect(() => spec({ adapter: { rank: [1, 2, 3] }, search: { kind: 'random', n: 4 } })).toThrow(/search.n: is 4, more than the 3 configurations/);
    // With a distribution the space is unbounded: n may exceed the grid.
    expect(planSweep(spec({ adapter: { rank: [1, 2] }, params: { lr: { uniform: [0, 1] } }, search: { kind: 'random', n: 5 } })).trials).toHaveLength(5);
  });
});

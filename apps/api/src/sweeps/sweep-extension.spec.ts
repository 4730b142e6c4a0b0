import { createSearch } from '@tinysweep/search';
import { parseSweepSpec, type SweepSpec } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { extendSpec, newTrials, parseExtension } from './sweep-extension.js';

const demo = (): SweepSpec =>
  parseSweepSpec({
    name: 'x',
    backend: { kind: 'tinylora' },
    model: { path: 'models/demo-arith' },
    task: { kind: 'arithmetic', ops: ['*'] },
    adapter: { modules: 'all', layers: ['last:1', 'all'], rank: 2, u: 13, tie: 'full' },
    prune: { threshold: [0, 0.3] },
    seeds: [1, 2],
    budget: { maxTrials: 8 },
  });

describe('extending a sweep', () => {
  const hashes = (spec: SweepSpec) => new Set(createSearch(spec).plan().trials.map((t) => t.configHash));

  it('adds seeds as new trials, keeping every trial the sweep has (same config hashes)', () => {
    const spec = demo();
    const next = extendSpec(spec, parseExtension({ seeds: [3, 4, 2] }));
    expect(next.seeds).toEqual([1, 2, 3, 4]);
    const added = newTrials(next, hashes(spec));
    expect(added).toHaveLength(8); // 2 layer choices × 2 thresholds × 2 new seeds
    expect(new Set(added.map((t) => t.seed))).toEqual(new Set([3, 4]));
    expect(next.budget.maxTrials).toBe(16); // raised to hold them
    for (const h of hashes(spec)) expect(hashes(next).has(h)).toBe(true);
  });

  it('adds values to an axis, a scalar becoming one', () => {
    const spec = demo();
    const next = extendSpec(spec, parseExtension({ set: { 'adapter.rank': 4 } }));
    const added = newTrials(next, hashes(spec));
    expect(added).toHaveLength(8);
    expect(added.every((t) => (t.params.adapter as { rank: number }).rank === 4)).toBe(true);
    expect(newTrials(extendSpec(spec, { set: { 'prune.threshold': [0.3, 0.5] } }), hashes(spec))).toHaveLength(4);
  });

  it('refuses what is not an axis or not extendable, naming the field', () => {
    const spec = demo();
    expect(() => parseExtension({ set: { 'budget.maxTrials': 5 } })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'set.budget.maxTrials' })] }));
    expect(() => parseExtension({ seeds: [1.5] })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'seeds[0]' })] }));
    expect(() => parseExtension({})).toThrow(/nothing to add/);
    expect(() => extendSpec(spec, { set: { 'adapter.rank': [0] } })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: expect.stringMatching(/^adapter\.rank/) })] }));
    expect(() => extendSpec(spec, { set: { 'optimizer.nothing': [1] } })).toThrow();
    const asha = parseSweepSpec({ ...demo(), search: { kind: 'asha', minIterations: 3 } });
    expect(() => extendSpec(asha, { seeds: [3] })).toThrow(/asha search decides its own trials/);
  });
});

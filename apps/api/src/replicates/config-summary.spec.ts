import type { ConfigValues } from '@tinysweep/db';
import { summarise as statsSummary } from '@tinysweep/stats';
import { describe, expect, it } from 'vitest';
import { ci95, compareConfigs, momentsOf, summarise, summariseConfigs } from './config-summary.js';

describe('summarise', () => {
  it('agrees with @tinysweep/stats on raw replicates: mean, sample std, t interval', () => {
    const values = [0.61, 0.58, 0.64, 0.6];
    const s = summarise(momentsOf(values))!;
    const ref = statsSummary(values);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(ref.mean, 12);
    expect(s.std).toBeCloseTo(ref.std, 12);
    expect(s.ci95![0]).toBeCloseTo(ref.ci95[0], 9);
    expect(s.ci95![1]).toBeCloseTo(ref.ci95[1], 9);
    expect([s.min, s.max]).toEqual([0.58, 0.64]);
  });

  it('summarises moments as Postgres aggregates them (m2 = n · var_pop)', () => {
    const s = summarise({ n: 3, mean: 21, m2: 2, min: 20, max: 22 })!;
    expect(s.std).toBe(1);
    expect(s.ci95![0]).toBeCloseTo(21 - (4.302652730 * 1) / Math.sqrt(3), 6);
  });

  it('has no std or interval for one replicate, and nothing for none', () => {
    expect(summarise(momentsOf([0.3]))).toEqual({ n: 1, mean: 0.3, std: null, min: 0.3, max: 0.3, ci95: null, pooled: null });
    expect(summarise(momentsOf([]))).toBeNull();
    expect(summarise(null)).toBeNull();
    expect(ci95(1, 0.3, null)).toBeNull();
  });

  it('gives an accuracy over 2 seeds a pooled Wilson interval inside [0, 1] and no t-interval', () => {
    // 2 seeds × 100 held-out problems: 0.59 and 0.79 (the example: t over 2 seeds gave [-0.1994, 1.5794])
    const s = summarise({ ...momentsOf([0.59, 0.79])!, items: 200, hits: 138 }, 'score')!;
    expect(s.mean).toBeCloseTo(0.69, 12);
    expect(s.ci95).toBeNull();
    expect(s.pooled).toEqual({ hits: 138, items: 200, ci95: [expect.closeTo(0.62283, 5), expect.closeTo(0.75001, 5)] });
    // the t-interval comes back with 3 replicates; an interval's own bounds are not accuracies
    expect(summarise({ ...momentsOf([0.59, 0.79, 0.7])!, items: 300, hits: 208 }, 'score')!.ci95).not.toBeNull();
    expect(summarise({ ...momentsOf([0.5, 0.6])!, items: 200, hits: 110 }, 'acc_lo')!.pooled).toBeNull();
    expect(summarise(momentsOf([0.5, 0.6]), 'score')!.pooled).toBeNull();
  });

  it('keeps a tiny spread on a huge metric', () => {
    const s = summarise(momentsOf([1e9 + 0.001, 1e9 + 0.002, 1e9 + 0.003]))!;
    expect(s.std).toBeCloseTo(0.001, 6);
  });
});

describe('ranking configs', () => {
  const configs: ConfigValues[] = [
    { groupHash: 'c', params: { x: 3 }, seeds: [1, 2], values: [0.5, 0.7], trials: 2, failed: 0 },
    { groupHash: 'none', params: { x: 4 }, seeds: [], values: [], trials: 2, failed: 2 },
    { groupHash: 'a', params: { x: 1 }, seeds: [1], values: [0.9], trials: 2, failed: 1 },
    { groupHash: 'b', params: { x: 2 }, seeds: [1, 2], values: [0.6, 0.6], trials: 2, failed: 0 },
  ];

  it('ranks by mean (ties by group hash), configs without a result last, either direction', () => {
    expect(summariseConfigs(configs, true).map((c) => c.groupHash)).toEqual(['a', 'b', 'c', 'none']);
    expect(summariseConfigs(configs, false).map((c) => c.groupHash)).toEqual(['b', 'c', 'a', 'none']);
    const ranked = summariseConfigs(configs, true);
    expect(ranked[0]!.summary).toMatchObject({ n: 1, mean: 0.9, std: null, ci95: null });
    expect(ranked[3]!.summary).toBeNull();
    const byMean = compareConfigs<{ groupHash: string; m: number | null }>(true, (c) => c.m);
    expect([{ groupHash: 'y', m: 1 }, { groupHash: 'x', m: 1 }].sort(byMean).map((c) => c.groupHash)).toEqual(['x', 'y']);
  });
});

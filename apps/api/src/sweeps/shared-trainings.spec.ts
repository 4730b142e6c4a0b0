import { parseSweepSpec, planSweep } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { trainingRows } from './shared-trainings.js';

const spec = (threshold: number[]) =>
  parseSweepSpec({ name: 's', model: { path: 'm' }, task: { kind: 'arithmetic' }, adapter: { rank: [1, 2] }, prune: { threshold }, seeds: [1, 2] });

describe('the plan’s shared trainings, as stored', () => {
  it('makes one training per group of trials that differ only in prune, trained without prune', () => {
    const plan = planSweep(spec([0, 0.3, 0.6]));
    expect(plan.trainings).toHaveLength(4); // 2 ranks × 2 seeds
    for (const g of plan.trainings) {
      expect(g.params.prune).toBeUndefined();
      expect(g.params).toMatchObject({ adapter: expect.any(Object), seed: expect.any(Number) });
      expect(g.ordinals).toHaveLength(3);
      for (const o of g.ordinals) expect(plan.trials[o]!.trainHash).toBe(g.trainHash);
    }
    const rows = trainingRows(plan.trainings);
    expect(new Set([...rows.values()].map((r) => r.id)).size).toBe(4);
    expect([...rows.keys()]).toEqual(plan.trainings.map((g) => g.trainHash));
  });

  it('leaves a lone threshold to train itself', () => {
    expect(planSweep(spec([0.3])).trainings).toEqual([]);
  });
});

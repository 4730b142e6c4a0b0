import { parseSweepSpec, planSweep } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { sharedTrainings } from './shared-trainings.js';

const spec = (threshold: number[]) =>
  parseSweepSpec({ name: 's', model: { path: 'm' }, task: { kind: 'arithmetic' }, adapter: { rank: [1, 2] }, prune: { threshold }, seeds: [1, 2] });

describe('sharedTrainings', () => {
  it('makes one training per group of trials that differ only in prune, trained without prune', () => {
    const plan = planSweep(spec([0, 0.3, 0.6]));
    const shared = sharedTrainings(plan.trials);
    expect(shared.size).toBe(4); // 2 ranks × 2 seeds
    for (const g of shared.values()) {
      expect(g.params.prune).toBeUndefined();
      expect(g.params).toMatchObject({ adapter: expect.any(Object), seed: expect.any(Number) });
    }
  });

  it('leaves a lone threshold to train itself', () => {
    expect(sharedTrainings(planSweep(spec([0.3])).trials).size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { planSweep } from './expand.js';
import { parseSweepSpec } from './parse-spec.js';
import { checkpointEvery, TRIAL_DEFAULTS } from './spec-defaults.js';

const base = { name: 'x', model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' }, adapter: {}, prune: { threshold: 0.1 } };

describe('spec defaults', () => {
  it('gives a trial left to the defaults what TRIAL_DEFAULTS gives an engine caller', () => {
    const [es] = planSweep(parseSweepSpec(base)).trials;
    const { group: _g, temperature: _t, kl: _k, ...forwardOnly } = TRIAL_DEFAULTS.optimizer;
    expect(es!.params.optimizer).toEqual(forwardOnly);
    expect(es!.params.prune).toMatchObject(TRIAL_DEFAULTS.prune);
    const [grpo] = planSweep(parseSweepSpec({ ...base, optimizer: { kind: 'grpo' } })).trials;
    expect(grpo!.params.optimizer).toEqual({ ...TRIAL_DEFAULTS.optimizer, kind: 'grpo' });
  });

  it('checkpoints every 10 steps unless the spec says otherwise', () => {
    expect(checkpointEvery(parseSweepSpec(base))).toBe(10);
    expect(checkpointEvery(parseSweepSpec({ ...base, checkpoint: { every: 0 } }))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { parseSweepSpec, storedSpec } from './index.js';

const SOURCE = `name: stored
model: { path: models/demo-arith }
task: { kind: arith }
adapter: { rank: [1, 2], u: [1, 13] }
seeds: [1, 2]
budget: { trialTimeout: 10m }
`;

describe('storedSpec', () => {
  it('reads a spec the API stored as it was stored', () => {
    const normalized = JSON.parse(JSON.stringify(parseSweepSpec(SOURCE)));
    expect(storedSpec(normalized, 'sweep-1')).toEqual(normalized);
  });

  it('fills in what an older spec lacks (params, checkpoint) with today’s defaults', () => {
    const old = { name: 'old', backend: { kind: 'tinylora' }, adapter: {}, model: { path: 'models/demo-arith' }, task: { kind: 'arith' }, seeds: [1] };
    const spec = storedSpec(old, 'sweep-2');
    expect(spec.params).toEqual({});
    expect(spec.budget.retries).toBeTypeOf('number');
    expect(spec).toEqual(parseSweepSpec(old));
  });

  it('names the sweep and the field when a stored spec no longer fits', () => {
    expect(() => storedSpec({ name: 'bad', model: { path: 'm' }, task: { kind: 'arith' }, seeds: 'x' }, 'sweep-3')).toThrow(/sweep sweep-3.*seeds/);
  });
});

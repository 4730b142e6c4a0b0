import { parseSweepSpec } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { leaseWants } from './lease.js';

const tiny = { name: 'tiny', model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' }, adapter: {} };
const params = { model: { path: 'models/demo-arith' } };

describe('leaseWants', () => {
  it("asks for the backend and prefers a node holding the trial's model", () => {
    expect(leaseWants(parseSweepSpec(tiny), params)).toEqual({ backend: 'tinylora', model: 'models/demo-arith' });
  });

  it("takes the spec's resources, and grpo implies the torch runtime", () => {
    expect(leaseWants(parseSweepSpec({ ...tiny, resources: { device: 'cuda' } }), params)).toEqual({ backend: 'tinylora', device: 'cuda', model: 'models/demo-arith' });
    expect(leaseWants(parseSweepSpec({ ...tiny, optimizer: { kind: 'grpo' } }), params)).toMatchObject({ runtime: 'torch' });
    expect(leaseWants(parseSweepSpec({ name: 'cmd', backend: { kind: 'command', command: ['true'] } }), {})).toEqual({ backend: 'command' });
  });
});

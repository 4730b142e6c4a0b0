import { parseSweepSpec } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { AshaSearch } from './asha-search.js';
import { createSearch } from './create-search.js';
import { fingerprintOf, resultKey } from './result-key.js';

const base = { name: 's', backend: { kind: 'command', command: ['node', 'x.mjs'] }, params: { x: [1, 2, 3] } };

describe('createSearch', () => {
  it('maps every search kind to its strategy, each planning the submitted trials', () => {
    expect(createSearch(parseSweepSpec(base)).plan().trials).toHaveLength(3);
    expect(createSearch(parseSweepSpec({ ...base, search: { kind: 'random', n: 2 } })).plan().trials).toHaveLength(2);
    const asha = createSearch(parseSweepSpec({ ...base, search: { kind: 'asha', minIterations: 1, maxIterations: 9 } }));
    expect(asha).toBeInstanceOf(AshaSearch);
    expect((asha as AshaSearch).pruner().rungs).toEqual([1, 3]);
    expect(createSearch(parseSweepSpec({ ...base, search: { kind: 'pareto', n: 2 }, budget: { maxTrials: 3 } })).kind).toBe('pareto');
  });
});

describe('resultKey', () => {
  it('changes with the config, the backend and every fingerprint field', () => {
    const fp = { engine: 'command/0.1.0', code_hash: 'c', data_hash: 'd' };
    const k = resultKey('cfg', { kind: 'command' }, fp);
    expect(resultKey('cfg', { kind: 'command' }, { data_hash: 'd', code_hash: 'c', engine: 'command/0.1.0' })).toBe(k);
    expect(resultKey('cfg2', { kind: 'command' }, fp)).not.toBe(k);
    expect(resultKey('cfg', { kind: 'command', env: { A: '1' } }, fp)).not.toBe(k);
    expect(resultKey('cfg', { kind: 'command' }, { ...fp, data_hash: 'e' })).not.toBe(k);
  });

  it('reads the fingerprint out of a trainer environment', () => {
    expect(fingerprintOf({ trainer: '0.1.0', node: 'n1', engine: 'tinylora/0.1.0', model_hash: 'm', data_hash: 'd' })).toEqual({ engine: 'tinylora/0.1.0', model_hash: 'm', data_hash: 'd' });
    expect(fingerprintOf({ trainer: '0.1.0' })).toBeUndefined();
    expect(fingerprintOf(null)).toBeUndefined();
  });
});

/**
 * `adapter.method` as a sweep axis: expansion per method, fields refused where no method reads them,
 * and the hashes of specs without a method exactly as before methods existed (computed on the commit
 * before this feature, a613f21).
 */
import { describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep, sha256Hex, SpecError } from './index.js';

const base = { model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' } };
const issuesOf = (raw: unknown) => {
  try {
    parseSweepSpec(raw);
  } catch (err) {
    if (err instanceof SpecError) return err.issues;
    throw err;
  }
  throw new Error('expected a SpecError');
};

describe('adapter.method', () => {
  it('leaves the hashes of tinylora specs as they were', () => {
    const grid = planSweep(
      parseSweepSpec({ name: 'old', ...base, adapter: { modules: [['q', 'v'], 'all'], layers: ['all', 'last:2'], rank: [1, 2], u: [1, 4], tie: ['none', 'tiled:4'] }, prune: { threshold: [0, 0.3] }, seeds: [1, 2] }),
    );
    expect(grid.trials).toHaveLength(128);
    expect(grid.trials[0]!.configHash).toBe('3480a278f5836671909da662751df27fa594dfbc04146dfa5a44113e71a5bc33');
    expect(sha256Hex(grid.trials.map((t) => t.configHash + t.groupHash + t.trainHash).join(','))).toBe('13de2f28ae19be0fe72d6f417a69c9c6f4bf173dd6e932318ddd75749adecfbb');
    expect(grid.trials[0]!.params.adapter).toEqual({ modules: ['q', 'v'], layers: 'all', rank: 1, u: 1, tie: { mode: 'none' } });
    const random = planSweep(parseSweepSpec({ name: 'old2', ...base, adapter: { rank: { min: 1, max: 4 }, u: [1, 2, 3] }, search: { kind: 'random', n: 5, seed: 3 }, seeds: [0] }));
    expect(sha256Hex(random.trials.map((t) => t.configHash).join(','))).toBe('7aee02cf308f95e614126b0c7bb17aeb7794b8a6868f7ca734f810bca061b218');
    // naming the default changes nothing either
    const named = planSweep(parseSweepSpec({ name: 'old', ...base, adapter: { method: 'tinylora', modules: [['q', 'v'], 'all'], layers: ['all', 'last:2'], rank: [1, 2], u: [1, 4], tie: ['none', 'tiled:4'] }, prune: { threshold: [0, 0.3] }, seeds: [1, 2] }));
    expect(named.trials.map((t) => t.configHash)).toEqual(grid.trials.map((t) => t.configHash));
  });

  it('is an axis: each trial carries one method and only the fields it reads', () => {
    const spec = parseSweepSpec({ name: 'cmp', ...base, adapter: { method: ['tinylora', 'lora-xs', 'lora'], modules: [['q']], layers: ['last:1'], rank: [1, 2], u: [1, 4], alpha: [2] }, seeds: [0] });
    expect(spec.adapter).toMatchObject({ method: ['tinylora', 'lora-xs', 'lora'], u: [1, 4], tie: [{ mode: 'none' }], alpha: [2] });
    const plan = planSweep(spec);
    const adapters = plan.trials.map((t) => t.params.adapter as Record<string, unknown>);
    // tinylora: 2 ranks × 2 u; lora-xs: 2 ranks (its u copies collapse); lora: 2 ranks
    expect(adapters.filter((a) => a.method === undefined)).toHaveLength(4);
    expect(adapters.filter((a) => a.method === 'lora-xs')).toEqual([
      { method: 'lora-xs', modules: ['q'], layers: 'last:1', rank: 1 },
      { method: 'lora-xs', modules: ['q'], layers: 'last:1', rank: 2 },
    ]);
    expect(adapters.filter((a) => a.method === 'lora')).toEqual([
      { method: 'lora', modules: ['q'], layers: 'last:1', rank: 1, alpha: 2 },
      { method: 'lora', modules: ['q'], layers: 'last:1', rank: 2, alpha: 2 },
    ]);
    expect(plan.duplicatesCollapsed).toBe(4);
    expect(new Set(plan.trials.map((t) => t.configHash)).size).toBe(8);
    expect(adapters.find((a) => a.method === undefined)).toEqual({ modules: ['q'], layers: 'last:1', rank: 1, u: 1, tie: { mode: 'none' } });
  });

  it('refuses a field no method of the spec reads, naming it, and unknown methods', () => {
    expect(issuesOf({ name: 'x', ...base, adapter: { method: 'lora', u: 4 } })).toEqual([{ path: 'adapter.u', message: "applies only to adapter.method tinylora (this spec's: lora)" }]);
    expect(issuesOf({ name: 'x', ...base, adapter: { method: ['lora-xs'], tie: 'full', alpha: 2 } }).map((i) => i.path)).toEqual(['adapter.tie', 'adapter.alpha']);
    expect(issuesOf({ name: 'x', ...base, adapter: { alpha: 2 } })).toEqual([{ path: 'adapter.alpha', message: "applies only to adapter.method lora (this spec's: tinylora)" }]);
    expect(issuesOf({ name: 'x', ...base, adapter: { method: 'dora' } })[0]).toMatchObject({ path: 'adapter.method', message: expect.stringMatching(/must be one of tinylora, lora-xs, lora/) });
    // a lora-only spec gets no tinylora defaults
    expect(parseSweepSpec({ name: 'x', ...base, adapter: { method: 'lora' } }).adapter).toEqual({ method: ['lora'], modules: [['q', 'k', 'v', 'o', 'gate', 'up', 'down']], layers: ['all'], rank: [2] });
  });
});

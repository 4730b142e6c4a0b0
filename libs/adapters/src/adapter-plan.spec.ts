import { join } from 'node:path';
import { linearWeightName, loadModel, type LoadedModel } from '@tinysweep/model';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { lowRankBranch, projectionTensor, resolveStructure, targetSeed, tinyLoraConfig, truncatedSvd, type TinyLoraOptions } from '@tinysweep/tinylora';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapterPlanKey, buildAdapterPlan } from './adapter-plan.js';
import { FactorCache } from './factor-cache.js';

describe('buildAdapterPlan on stories260K', () => {
  let model: LoadedModel;
  const structure = (opts: TinyLoraOptions) => resolveStructure(tinyLoraConfig(opts), model.config.nLayers);

  beforeAll(async () => {
    model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
  });

  it('cuts each target weight with the seeded SVD, seeds P per target and groups by tying', () => {
    const s = structure({ layers: 'last:2', modules: ['q', 'down'], rank: 2, u: 3, tie: { mode: 'tiled', n: 3 }, projectionSeed: 7, svd: { seed: 5 } });
    const plan = buildAdapterPlan(model, s, { factors: new FactorCache() });
    expect(plan).toMatchObject({ rank: 2, u: 3, groups: 2 });
    // depth order: (3, q), (3, down), (4, q), (4, down); tiles of 3 → groups 0, 0, 0, 1
    expect(plan.sites.map((t) => [t.layer, t.module, t.group])).toEqual([
      [3, 'q', 0],
      [3, 'down', 0],
      [4, 'q', 0],
      [4, 'down', 1],
    ]);
    const site = plan.sites[1];
    const W = model.weights.get(linearWeightName(3, 'down'));
    const expected = lowRankBranch(truncatedSvd(W.data, W.shape[0], W.shape[1], 2, { seed: 5, iterations: 4 }));
    expect(site.down).toEqual(expected.down);
    expect(site.up).toEqual(expected.up);
    expect(site.P).toEqual(projectionTensor(targetSeed(7, 1), 3, 2));
    expect(plan.key).toBe(adapterPlanKey(model.hash, s));
    expect(plan.key.startsWith(model.hash)).toBe(true);
  });

  it('reuses cached SVD branches for other u, tying and projection seeds, and keys them apart', () => {
    const factors = new FactorCache();
    const a = buildAdapterPlan(model, structure({ rank: 2, u: 1 }), { factors });
    expect(factors.stats()).toMatchObject({ entries: 35, hits: 0, misses: 35 });
    const b = buildAdapterPlan(model, structure({ rank: 2, u: 13, tie: { mode: 'full' }, projectionSeed: 3 }), { factors });
    expect(factors.stats()).toMatchObject({ entries: 35, hits: 35, misses: 35 });
    expect(b.sites[10].down).toBe(a.sites[10].down); // the very same arrays: nothing recomputed
    expect(b.key).not.toBe(a.key);
    buildAdapterPlan(model, structure({ rank: 1 }), { factors });
    expect(factors.stats().misses).toBe(70); // another rank is another factorisation
    // spelling differences do not split the key
    const c = buildAdapterPlan(model, structure({ layers: [4, 3], modules: ['v', 'q'] }), { factors });
    const d = buildAdapterPlan(model, structure({ layers: '3-4', modules: ['q', 'v'] }), { factors });
    expect(c.key).toBe(d.key);
  });

  it('refuses a structure that does not fit the model, naming what', () => {
    const past = { ...structure({ layers: [0] }), layers: [0, 5] };
    expect(() => buildAdapterPlan(model, past)).toThrow(/layer 5 is past the model's last block \(it has 5\)/);
    expect(() => buildAdapterPlan(model, structure({ modules: ['k'], rank: 40 }), { factors: new FactorCache() })).toThrow(/rank 40 exceeds min\(out, in\) = 32 of model\.layers\.0\.self_attn\.k_proj\.weight/);
  });
});

describe('FactorCache', () => {
  it('drops the least recently used branch beyond maxEntries', () => {
    const cache = new FactorCache({ maxEntries: 2 });
    const branch = () => ({ down: new Float32Array(1), up: new Float32Array(1) });
    const key = (layer: number) => ({ modelHash: 'h', layer, module: 'q' as const, rank: 1, svd: { seed: 0, iterations: 4 } });
    const first = cache.get(key(0), branch);
    cache.get(key(1), branch);
    expect(cache.get(key(0), branch)).toBe(first); // now 1 is the oldest
    cache.get(key(2), branch);
    expect(cache.stats()).toEqual({ entries: 2, hits: 1, misses: 3 });
    cache.get(key(0), branch);
    expect(cache.stats().hits).toBe(2);
    cache.get(key(1), branch);
    expect(cache.stats().misses).toBe(4);
    expect(() => new FactorCache({ maxEntries: -1 })).toThrow(/maxEntries must be a non-negative integer/);
  });
});

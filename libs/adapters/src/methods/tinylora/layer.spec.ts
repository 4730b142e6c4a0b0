/**
 * TinyLoRA's graph branch (layer.ts) against the dense math: v = 0 is the base model, any v equals a
 * forward with W + ΔW merged into the weights, and rows of one batch carry their own v.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterTargets, groupOf, lowRankBranch, mergeAdapter, mixProjections, projectionTensor, targetSeed, truncatedSvd } from '@tinysweep/tinylora';
import { DecoderSession, linearShape, linearWeightName, LINEAR_MODULES, loadModel, MapWeights, type DecoderConfig, type LoadedModel, type Weights } from '@tinysweep/model';
import { maxAbsDiff, referenceForward, SeededRandom, STORIES260K_DIR, writeRandomHfCheckpoint } from '@tinysweep/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyLoraGraph } from './layer.js';
import type { AdapterPlan, AdapterSite } from './plan.js';

/**
 * Weights with every site's ΔW = upᵀ · R · downᵀ added, R = (1/√u) Σᵢ v[group, i] P[i]: the dense form
 * the branch must equal, written out independently of layer.ts and model.ts.
 */
function mergeAdapterPlan(config: DecoderConfig, weights: Weights, plan: AdapterPlan, v: Float32Array): MapWeights {
  const { rank: r, u, groups } = plan;
  if (v.length !== groups * u) throw new Error(`v has ${v.length} values, expected [${groups}, ${u}]`);
  const merged = MapWeights.from(weights);
  for (const site of plan.sites) {
    const { in: inDim, out } = linearShape(config, site.module);
    const R = new Float64Array(r * r); // R[a][b] = (1/√u) Σᵢ v[group, i] P[i][a][b]
    for (let i = 0; i < u; i++) {
      const vi = v[site.group * u + i]! / Math.sqrt(u);
      for (let ab = 0; ab < r * r; ab++) R[ab]! += vi * site.P[i * r * r + ab]!;
    }
    const name = linearWeightName(site.layer, site.module);
    const W = weights.get(name).data;
    const updated = new Float32Array(W.length);
    for (let o = 0; o < out; o++) {
      for (let k = 0; k < inDim; k++) {
        let delta = 0; // ΔW[o][k] = Σ_ab up[a][o] R[a][b] down[k][b]
        for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) delta += site.up[a * out + o]! * R[a * r + b]! * site.down[k * r + b]!;
        updated[o * inDim + k] = W[o * inDim + k]! + delta;
      }
    }
    merged.set(name, { data: updated, shape: [out, inDim] });
  }
  return merged;
}

/** Random frozen tensors on every module of `layers`, tied in tiles of `tile` sites. */
function randomPlan(config: DecoderConfig, layers: number[], rank: number, u: number, tile: number, seed: number): AdapterPlan {
  const rng = new SeededRandom(seed);
  const sites: AdapterSite[] = [];
  for (const layer of layers) {
    for (const module of LINEAR_MODULES) {
      const { in: inDim, out } = linearShape(config, module);
      sites.push({ layer, module, group: Math.floor(sites.length / tile), down: rng.normals(inDim * rank, 0.3), up: rng.normals(rank * out, 0.3), P: rng.normals(u * rank * rank) });
    }
  }
  return { rank, u, groups: Math.ceil(sites.length / tile), sites, key: `random-${seed}-${layers.join('.')}-r${rank}-u${u}-t${tile}` };
}

describe('TinyLoRA graph branch', () => {
  let model: LoadedModel;
  let cacheDir: string;
  let base: DecoderSession;
  let adapted: DecoderSession;
  let plan: AdapterPlan;
  let ids: number[];

  beforeAll(async () => {
    model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-model-'));
    plan = randomPlan(model.config, [0, 2, 4], 2, 3, 4, 7);
    base = await DecoderSession.create(model, { cacheDir });
    adapted = await DecoderSession.create(model, { cacheDir, adapter: tinyLoraGraph(plan) });
    ids = model.tokenizer.encode('Once upon a time, there was a little dog');
  });
  afterAll(async () => {
    await base.release();
    await adapted.release();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('with v = 0 gives the logits of the graph without an adapter', async () => {
    const plain = await base.forward({ ids: [ids] });
    const zero = await adapted.forward({ ids: [ids], adapterV: new Float32Array(plan.groups * plan.u) });
    expect(maxAbsDiff(zero.logits, plain.logits)).toBeLessThanOrEqual(1e-5);
    expect(adapted.graphPath).not.toBe(base.graphPath);
  });

  it('with v ≠ 0 equals the reference forward over W + ΔW', async () => {
    const v = new SeededRandom(3).normals(plan.groups * plan.u, 0.5);
    const { logits } = await adapted.forward({ ids: [ids], adapterV: v });
    const merged = mergeAdapterPlan(model.config, model.weights, plan, v);
    const reference = referenceForward(model.config, merged, ids);
    expect(maxAbsDiff(logits, reference)).toBeLessThanOrEqual(1e-4);
    // and the adapter really moved the output
    expect(maxAbsDiff(reference, referenceForward(model.config, model.weights, ids))).toBeGreaterThan(1e-2);
  });

  it('different v on the rows of one batch equal separate runs', async () => {
    const rng = new SeededRandom(11);
    const perRow = plan.groups * plan.u;
    const vs = [rng.normals(perRow, 0.5), new Float32Array(perRow), rng.normals(perRow, 0.5)];
    const batched = await adapted.forward({ ids: [ids, ids, ids], adapterV: Float32Array.from(vs.flatMap((v) => [...v])) });
    const rowSize = ids.length * model.config.vocabSize;
    for (const [row, v] of vs.entries()) {
      const alone = await adapted.forward({ ids: [ids], adapterV: v });
      expect(maxAbsDiff(batched.logits.subarray(row * rowSize, (row + 1) * rowSize), alone.logits)).toBeLessThanOrEqual(1e-5);
    }
    // greedy with per-row v too (one shared [groups, u] broadcasts)
    const prompts = [ids.slice(0, 4), ids.slice(0, 6)];
    const both = await adapted.greedy(prompts, { maxNewTokens: 8, adapterV: Float32Array.from([...vs[0]!, ...vs[2]!]), stopIds: [] });
    expect(both[0]).toEqual((await adapted.greedy([prompts[0]!], { maxNewTokens: 8, adapterV: vs[0], stopIds: [] }))[0]);
    expect(both[1]).toEqual((await adapted.greedy([prompts[1]!], { maxNewTokens: 8, adapterV: vs[2], stopIds: [] }))[0]);
  });

  it('matches libs/tinylora: SVD branch factors, seeded projections, tiled tying, mergeAdapter', async () => {
    const { config, weights } = model;
    const rank = 2;
    const u = 2;
    const targets = adapterTargets([1, 3], ['q', 'v', 'gate', 'down']);
    const groups = groupOf(targets, { mode: 'tiled', n: 3 });
    const sites: AdapterSite[] = [];
    const factors = targets.map((target, t) => {
      const { in: inDim, out } = linearShape(config, target.module);
      const f = truncatedSvd(weights.get(linearWeightName(target.layer, target.module)).data, out, inDim, rank, { seed: 5 });
      const { down, up } = lowRankBranch(f);
      sites.push({ ...target, group: groups[t]!, down, up, P: projectionTensor(targetSeed(42, t), u, rank) });
      return f;
    });
    const tinyPlan: AdapterPlan = { rank, u, groups: Math.max(...groups) + 1, sites, key: 'tinylora-svd-seed42' };
    const v = new SeededRandom(9).normals(tinyPlan.groups * u, 2);

    const merged = MapWeights.from(weights);
    targets.forEach((target, t) => {
      const name = linearWeightName(target.layer, target.module);
      const R = mixProjections(sites[t]!.P, v.subarray(groups[t]! * u, (groups[t]! + 1) * u), u, rank);
      merged.set(name, { data: mergeAdapter(weights.get(name).data, factors[t]!, R), shape: weights.get(name).shape });
    });
    const session = await DecoderSession.create(model, { cacheDir, adapter: tinyLoraGraph(tinyPlan) });
    const { logits } = await session.forward({ ids: [ids], adapterV: v });
    await session.release();
    expect(maxAbsDiff(logits, referenceForward(config, merged, ids))).toBeLessThanOrEqual(1e-4);
  });

  it('works on Qwen2 (q/k/v biases, untied lm_head) too', async () => {
    const dir = join(cacheDir, 'qwen2');
    writeRandomHfCheckpoint(dir, { architecture: 'qwen2', seed: 4 });
    const qwen = await loadModel(dir);
    const qwenPlan = randomPlan(qwen.config, [1], 2, 1, 16, 8);
    const session = await DecoderSession.create(qwen, { cacheDir, adapter: tinyLoraGraph(qwenPlan) });
    const qIds = qwen.tokenizer.encode('once upon a time there was');
    const v = Float32Array.of(1.5);
    const { logits } = await session.forward({ ids: [qIds], adapterV: v });
    await session.release();
    const reference = referenceForward(qwen.config, mergeAdapterPlan(qwen.config, qwen.weights, qwenPlan, v), qIds);
    expect(maxAbsDiff(logits, reference)).toBeLessThanOrEqual(1e-4);
  });

  it('rejects a plan that does not fit the model, naming the site', async () => {
    const bad = randomPlan(model.config, [0], 2, 1, 16, 1);
    bad.sites[0]!.down = new Float32Array(3);
    await expect(DecoderSession.create(model, { cacheDir, adapter: tinyLoraGraph(bad) })).rejects.toThrow(/layer 0, q\): down must be \[64, 2\]/);
    const outOfRange = randomPlan(model.config, [9], 2, 1, 16, 1);
    await expect(DecoderSession.create(model, { cacheDir, adapter: tinyLoraGraph(outOfRange) })).rejects.toThrow(/layer must be in \[0, 5\)/);
  });
});

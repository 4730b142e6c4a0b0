/**
 * Every adapter method, one table row each (PEFT's test_custom_models habit): its graph branch against
 * the reference forward over W + ΔW, zero = the base model, rows of a batch independent, its
 * trainable-parameter count, and its adapter file read back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecoderSession, linearShape, loadModel, type LoadedModel } from '@tinysweep/model';
import { maxAbsDiff, mergeDeltas, referenceForward, SeededRandom, STORIES260K_DIR } from '@tinysweep/model/testing';
import { adapterTargets, parseAdapter } from '@tinysweep/tinylora';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterConfig } from '../adapter-method.js';
import { FactorCache } from '../factor-cache.js';
import { adapterFileMethod } from '../method-file.js';
import { adapterMethod, adapterMethodNames, parseAnyAdapter, serializeAnyAdapter } from '../registry.js';

const layers = [1, 3];
const modules = ['q', 'v', 'gate', 'down'] as const;

/** One row per method: its adapter section and its trainable count on stories260K. */
const ROWS: Array<{ method: string; adapter: AdapterConfig & Record<string, unknown>; count: (m: LoadedModel) => number }> = [
  { method: 'tinylora', adapter: { modules: [...modules], layers, rank: 2, u: 3, tie: { mode: 'tiled', n: 3 } }, count: () => 3 * 3 }, // 8 modules → ⌈8/3⌉ groups × u 3
  { method: 'lora-xs', adapter: { method: 'lora-xs', modules: [...modules], layers, rank: 2 }, count: () => 8 * 2 * 2 },
  {
    method: 'lora',
    adapter: { method: 'lora', modules: [...modules], layers, rank: 2, alpha: 4 },
    count: (m) => adapterTargets(layers, [...modules]).reduce((n, t) => n + 2 * (linearShape(m.config, t.module).in + linearShape(m.config, t.module).out), 0),
  },
];

describe('adapter methods', () => {
  let model: LoadedModel;
  let cacheDir: string;
  let base: DecoderSession;
  let ids: number[];

  beforeAll(async () => {
    model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-methods-'));
    base = await DecoderSession.create(model, { cacheDir });
    ids = model.tokenizer.encode('Once upon a time, there was a little dog');
  });
  afterAll(async () => {
    await base.release();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('registers the three methods, each with its own prefix', () => {
    expect(adapterMethodNames()).toEqual(['tinylora', 'lora-xs', 'lora']);
    expect(adapterMethod(undefined).name).toBe('tinylora');
    expect(() => adapterMethod('dora')).toThrow(/unknown adapter method "dora" \(known: tinylora, lora-xs, lora\)/);
  });

  for (const row of ROWS) {
    describe(row.method, () => {
      it('counts its trainable parameters', () => {
        const prepared = adapterMethod(row.adapter.method).prepare(model, row.adapter, { factors: new FactorCache() });
        expect(prepared.dim).toBe(row.count(model));
        const file = prepared.file({ baseModel: { hash: model.hash }, v: new Float32Array(prepared.dim) });
        expect(file.trainableParams).toBe(row.count(model));
      });

      it('is the base model at zero and the reference forward over W + ΔW otherwise; rows carry their own adapter', async () => {
        const prepared = adapterMethod(row.adapter.method).prepare(model, row.adapter);
        const session = await DecoderSession.create(model, { cacheDir, adapter: prepared.session });
        try {
          const plain = await base.forward({ ids: [ids] });
          const zero = await session.forward({ ids: [ids], adapterV: new Float32Array(prepared.dim) });
          expect(maxAbsDiff(zero.logits, plain.logits)).toBeLessThanOrEqual(1e-5);

          const v = new SeededRandom(3).normals(prepared.dim, row.method === 'lora' ? 0.2 : 0.5);
          const { logits } = await session.forward({ ids: [ids], adapterV: v });
          const reference = referenceForward(model.config, mergeDeltas(model.weights, prepared.deltas(v)), ids);
          // float32 graph against a float64 reference: within 1e-5 of the logits' scale (TinyLoRA's own test allows 1e-4 absolute)
          const scale = Math.max(...reference.map(Math.abs));
          expect(maxAbsDiff(logits, reference) / scale).toBeLessThanOrEqual(1e-5);
          expect(maxAbsDiff(reference, referenceForward(model.config, model.weights, ids))).toBeGreaterThan(1e-2); // it moved

          const batched = await session.forward({ ids: [ids, ids], adapterV: Float32Array.from([...v, ...new Float32Array(prepared.dim)]) });
          const rowSize = ids.length * model.config.vocabSize;
          expect(maxAbsDiff(batched.logits.subarray(0, rowSize), logits)).toBeLessThanOrEqual(1e-5);
          expect(maxAbsDiff(batched.logits.subarray(rowSize), plain.logits)).toBeLessThanOrEqual(1e-5);
        } finally {
          await session.release();
        }
      });

      it('writes an adapter file that reads back, with its method', () => {
        const prepared = adapterMethod(row.adapter.method).prepare(model, row.adapter);
        const v = new SeededRandom(5).normals(prepared.dim, 0.1);
        const file = prepared.file({ baseModel: { hash: model.hash, name: 'stories260K.bin' }, v, prune: { threshold: 0.1 } });
        const text = serializeAnyAdapter(file);
        const back = parseAnyAdapter(text);
        expect(back).toEqual(file);
        expect(adapterFileMethod(back)).toBe(row.method);
        if (row.method === 'tinylora') {
          expect(text).not.toContain('"method"'); // TinyLoRA's files are as they were
          expect(parseAdapter(text)).toEqual(file);
        } else expect(JSON.parse(text)).toMatchObject({ method: row.method, format: 'tinysweep.adapter/1' });
        const again = adapterMethod(row.method).fromFile(model, back);
        expect(again.dim).toBe(prepared.dim);
        expect(Array.from(again.storedV(back, model.hash))).toEqual(file.v);
      });

      it('gives peft-lora factors whose (α/r)·B·A is its ΔW', () => {
        const prepared = adapterMethod(row.adapter.method).prepare(model, row.adapter);
        const v = new SeededRandom(7).normals(prepared.dim, 0.3);
        const deltas = prepared.deltas(v);
        for (const [i, f] of prepared.loraFactors!(v).entries()) {
          const inDim = f.A.length / f.rank;
          const outDim = f.B.length / f.rank;
          let worst = 0;
          for (let o = 0; o < outDim; o++) {
            for (let k = 0; k < inDim; k++) {
              let d = 0;
              for (let b = 0; b < f.rank; b++) d += f.B[o * f.rank + b]! * f.A[b * inDim + k]!;
              worst = Math.max(worst, Math.abs((f.alpha / f.rank) * d - deltas[i]!.delta[o * inDim + k]!));
            }
          }
          expect(worst).toBeLessThanOrEqual(1e-5);
        }
      });
    });
  }

  it('refuses fields of another method, naming them', () => {
    expect(() => adapterMethod('lora-xs').prepare(model, { method: 'lora-xs', modules: ['q'], layers: 'all', rank: 1, u: 4 } as AdapterConfig)).toThrow(/adapter\.u: does not apply/);
    expect(() => adapterMethod('lora').prepare(model, { method: 'lora', modules: ['q'], layers: 'all', rank: 0 })).toThrow(/adapter\.rank: must be at least 1/);
  });

  it('starts LoRA at the base model: A seeded uniform in ±1/√in, B zero', () => {
    const prepared = adapterMethod('lora').prepare(model, { method: 'lora', modules: ['q'], layers: [0], rank: 1 });
    const inDim = linearShape(model.config, 'q').in;
    const A = prepared.init!.subarray(0, inDim);
    const B = prepared.init!.subarray(inDim);
    expect(Math.max(...A.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(inDim));
    expect(A.some((x) => x !== 0)).toBe(true);
    expect(B.every((x) => x === 0)).toBe(true);
    expect(prepared.deltas(prepared.init!)[0]!.delta.every((x) => x === 0)).toBe(true);
  });
});

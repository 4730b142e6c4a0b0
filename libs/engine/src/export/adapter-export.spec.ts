/**
 * Exports of the adapter methods other than TinyLoRA (TinyLoRA's own are test/torch/adapter-export's):
 * a LoRA-XS or LoRA adapter on models/demo-arith as a PEFT LoRA, applied as PEFT merges one
 * (W += lora_alpha/r · B·A), and as a merged model, both give W + the method's ΔW.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linearWeightName, loadModel, SafetensorsWeights, type LoadedModel } from '@tinysweep/model';
import { SeededRandom } from '@tinysweep/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterConfig } from '@tinysweep/adapters';
import { adapterMethod } from '@tinysweep/adapters';
import { exportAdapter } from './adapter-export.js';

const DEMO = fileURLToPath(new URL('../../../../models/demo-arith', import.meta.url));

describe('exportAdapter for lora-xs and lora', () => {
  let model: LoadedModel;
  const dirs: string[] = [];
  beforeAll(async () => {
    model = await loadModel(DEMO);
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const write = (files: { name: string; data: Buffer }[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'tinysweep-export-'));
    dirs.push(dir);
    for (const f of files) writeFileSync(join(dir, f.name), f.data);
    return dir;
  };

  const cases: Array<[string, AdapterConfig & Record<string, unknown>, number]> = [
    ['lora-xs', { method: 'lora-xs', modules: ['q', 'down'], layers: [1, 3], rank: 2 }, 2],
    ['lora', { method: 'lora', modules: ['q', 'down'], layers: [1, 3], rank: 2, alpha: 6 }, 6],
  ];
  for (const [method, adapter, alpha] of cases) {
    it(`${method}: peft-lora and merged both give W + ΔW`, () => {
      const prepared = adapterMethod(method).prepare(model, adapter);
      const v = new SeededRandom(2).normals(prepared.dim, 0.2);
      const file = prepared.file({ baseModel: { hash: model.hash, name: 'demo-arith' }, v });
      const expected = new Map(prepared.deltas(Float32Array.from(file.v)).map((d) => [linearWeightName(d.layer, d.module), d.delta]));

      const peft = write(exportAdapter(model, file, 'peft-lora'));
      const config = JSON.parse(readFileSync(join(peft, 'adapter_config.json'), 'utf8')) as { r: number; lora_alpha: number; target_modules: string[] };
      expect(config).toMatchObject({ r: 2, lora_alpha: alpha });
      expect(config.target_modules).toEqual(['model.layers.1.self_attn.q_proj', 'model.layers.1.mlp.down_proj', 'model.layers.3.self_attn.q_proj', 'model.layers.3.mlp.down_proj']);
      const lora = new SafetensorsWeights([join(peft, 'adapter_model.safetensors')]);
      const merged = new SafetensorsWeights([join(write(exportAdapter(model, file, 'merged')), 'model.safetensors')]);
      for (const [name, delta] of expected) {
        const key = `base_model.model.${name.replace(/\.weight$/, '')}`;
        const A = lora.get(`${key}.lora_A.weight`);
        const B = lora.get(`${key}.lora_B.weight`);
        const W = model.weights.get(name);
        const Wm = merged.get(name).data;
        const [out, inDim] = W.shape as [number, number];
        let worstPeft = 0;
        let worstMerged = 0;
        for (let o = 0; o < out; o++) {
          for (let k = 0; k < inDim; k++) {
            let d = 0;
            for (let b = 0; b < config.r; b++) d += B.data[o * config.r + b]! * A.data[b * inDim + k]!;
            worstPeft = Math.max(worstPeft, Math.abs((config.lora_alpha / config.r) * d - delta[o * inDim + k]!));
            worstMerged = Math.max(worstMerged, Math.abs(Wm[o * inDim + k]! - W.data[o * inDim + k]! - delta[o * inDim + k]!));
          }
        }
        expect(worstPeft).toBeLessThanOrEqual(1e-6);
        expect(worstMerged).toBeLessThanOrEqual(1e-6);
      }
      expect(readFileSync(join(peft, 'README.md'), 'utf8')).toContain(method === 'lora' ? 'lora adapter' : 'LoRA-XS adapter');
    });
  }
});

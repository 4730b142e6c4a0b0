/**
 * Adapters that leave tinysweep (libs/engine's exportAdapter): a TinyLoRA adapter on models/demo-arith
 * exported as a PEFT LoRA directory and as a merged Hugging Face model gives the TinyLoRA model's
 * logits back (≤ 1e-5), applied the way PEFT applies a LoRA (W + lora_alpha/r · B·A on the modules its
 * keys name) and loaded as a plain model; and the merged model's greedy completions on the torch
 * device (PyTorch, as a HF user would run it) are the adapted model's.
 *
 * PEFT itself is not installed here: the LoRA is applied by this test from PEFT's file layout.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdapterPlan, exportAdapter, tinyLoraGraph } from '@tinysweep/engine';
import { DecoderSession, loadModel, MapWeights, SafetensorsWeights, type LoadedModel } from '@tinysweep/model';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { buildAdapterFile, resolveStructure, tinyLoraConfig, type AdapterFile } from '@tinysweep/tinylora';
import { TorchDevice } from '@tinysweep/torch';
import { TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../../models/demo-arith', import.meta.url));
const torch = torchAvailability();

/** Deterministic entries in [−scale, scale]. */
function randomV(n: number, seed: number, scale: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround((s / 2 ** 32 - 0.5) * 2 * scale);
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Logits [T, vocab] of `ids` on a session (a plain model, or an adapted one with v). */
async function logits(session: DecoderSession, ids: number[], v?: Float32Array): Promise<Float32Array> {
  const out = await session.forward({ ids: [ids.map(BigInt)], ...(v ? { adapterV: v } : {}) });
  return out.logits;
}

/** Base weights with a PEFT LoRA directory applied as PEFT merges one: W += (lora_alpha / r) · B · A. */
function applyPeftLora(base: LoadedModel, dir: string): MapWeights {
  const config = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')) as { r: number; lora_alpha: number; peft_type: string };
  expect(config.peft_type).toBe('LORA');
  const scaling = config.lora_alpha / config.r;
  const lora = new SafetensorsWeights([join(dir, 'adapter_model.safetensors')]);
  const weights = MapWeights.from(base.weights);
  for (const key of lora.names().filter((k) => k.endsWith('.lora_A.weight'))) {
    const module = key.slice('base_model.model.'.length, -'.lora_A.weight'.length);
    const A = lora.get(key); // [r, in]
    const B = lora.get(`base_model.model.${module}.lora_B.weight`); // [out, r]
    const W = weights.get(`${module}.weight`);
    const [out, inDim] = W.shape as [number, number];
    expect(A.shape).toEqual([config.r, inDim]);
    expect(B.shape).toEqual([out, config.r]);
    const merged = Float32Array.from(W.data);
    for (let o = 0; o < out; o++) {
      for (let k = 0; k < inDim; k++) {
        let d = 0;
        for (let b = 0; b < config.r; b++) d += B.data[o * config.r + b]! * A.data[b * inDim + k]!;
        merged[o * inDim + k]! += scaling * d;
      }
    }
    weights.set(`${module}.weight`, { data: merged, shape: W.shape });
  }
  return weights;
}

function writeExport(files: { name: string; data: Buffer }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tinysweep-export-'));
  for (const f of files) writeFileSync(join(dir, f.name), f.data);
  return dir;
}

describe('a TinyLoRA adapter exported as a PEFT LoRA and as a merged HF model', () => {
  let demo: LoadedModel;
  let adapter: AdapterFile;
  let tinylora: DecoderSession;
  const dirs: string[] = [];
  const prompts = ['47 * 12 =', '93 * 58 =', '10 * 99 ='];
  const threads = 1;

  beforeAll(async () => {
    demo = await loadModel(DEMO);
    // 13 numbers tied over q, v, up and down of the last two blocks, rank 2, |v| ≤ 0.5, some pruned to 0
    const structure = resolveStructure(tinyLoraConfig({ modules: ['q', 'v', 'up', 'down'], layers: 'last:2', rank: 2, u: 13, tie: { mode: 'full' } }), demo.config.nLayers);
    const v = randomV(13, 7, 0.5).map((x, i) => (i % 4 === 3 ? 0 : x));
    adapter = buildAdapterFile({ baseModel: { hash: demo.hash, name: 'demo-arith' }, structure, v, prune: { threshold: 0.1 } });
    tinylora = await DecoderSession.create(demo, { adapter: tinyLoraGraph(buildAdapterPlan(demo, structure)), threads });
  });
  afterAll(async () => {
    await tinylora?.release();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes a PEFT LoRA directory (rank r, scaling 1, PEFT key and module names) whose B·A reproduces the adapted logits', async () => {
    const dir = writeExport(exportAdapter(demo, adapter, 'peft-lora'));
    dirs.push(dir);
    const config = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 2, lora_alpha: 2, bias: 'none', use_rslora: false, fan_in_fan_out: false });
    // two of the four blocks: each module named by its full path
    expect(config.target_modules).toEqual(['model.layers.2.self_attn.q_proj', 'model.layers.2.self_attn.v_proj', 'model.layers.2.mlp.up_proj', 'model.layers.2.mlp.down_proj', 'model.layers.3.self_attn.q_proj', 'model.layers.3.self_attn.v_proj', 'model.layers.3.mlp.up_proj', 'model.layers.3.mlp.down_proj']);
    const keys = new SafetensorsWeights([join(dir, 'adapter_model.safetensors')]).names().sort();
    expect(keys).toHaveLength(16);
    expect(keys).toContain('base_model.model.model.layers.3.mlp.down_proj.lora_B.weight');

    const peft = await DecoderSession.create({ ...demo, weights: applyPeftLora(demo, dir), hash: `${demo.hash}+peft` }, { threads });
    try {
      for (const p of prompts) {
        const ids = demo.tokenizer.encode(p, { bos: true });
        const want = await logits(tinylora, ids, Float32Array.from(adapter.v));
        const base = await logits(peft, ids);
        expect(maxAbsDiff(base, await logits(tinylora, ids))).toBeGreaterThan(1e-2); // the adapter does change the model
        expect(maxAbsDiff(await logits(peft, ids), want)).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await peft.release();
    }
  });

  it('with every block adapted, names PEFT’s short module names', () => {
    const structure = resolveStructure(tinyLoraConfig({ modules: ['k', 'gate'], layers: 'all', rank: 1, u: 2, tie: { mode: 'tiled', n: 3 } }), demo.config.nLayers);
    const all = buildAdapterFile({ baseModel: { hash: demo.hash }, structure, v: [0.1, -0.2, 0.3, 0.05, 0.2, -0.1] });
    const config = JSON.parse(exportAdapter(demo, all, 'peft-lora').find((f) => f.name === 'adapter_config.json')!.data.toString('utf8')) as { target_modules: string[]; r: number };
    expect(config).toMatchObject({ r: 1, target_modules: ['k_proj', 'gate_proj'] });
  });

  it('writes a merged HF directory that loads as a plain model with the adapted logits', async () => {
    const dir = writeExport(exportAdapter(demo, adapter, 'merged'));
    dirs.push(dir);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({ architectures: ['LlamaForCausalLM'], torch_dtype: 'float32', num_hidden_layers: 4 });
    const merged = await loadModel(dir);
    const session = await DecoderSession.create(merged, { threads });
    try {
      for (const p of prompts) {
        const ids = demo.tokenizer.encode(p, { bos: true });
        expect(maxAbsDiff(await logits(session, ids), await logits(tinylora, ids, Float32Array.from(adapter.v)))).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await session.release();
    }
  });

  it('refuses another base model, and peft-lora or merged of a llama2.c checkpoint', async () => {
    expect(() => exportAdapter(demo, { ...adapter, baseModel: { hash: 'f'.repeat(64) } }, 'merged')).toThrow(/trained on model ffffffffffff, not on demo-arith/);
    const stories = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    const structure = resolveStructure(tinyLoraConfig({ modules: ['q'], layers: 'all', rank: 1, u: 1, tie: { mode: 'full' } }), stories.config.nLayers);
    const file = buildAdapterFile({ baseModel: { hash: stories.hash }, structure, v: [0.2] });
    expect(() => exportAdapter(stories, file, 'peft-lora')).toThrow(/needs a Hugging Face model directory.*llama2\.c checkpoint: export format tinysweep/);
    expect(exportAdapter(stories, file, 'tinysweep')[0]!.data.toString('utf8')).toMatch(/^\{"format":"tinysweep\.tinylora\/1"/);
  });

  it.skipIf(!torch.available)(`the merged model's greedy completions on the torch device are the adapted model's${torch.available ? '' : ` — SKIPPED: ${torch.reason}`}`, async () => {
    const dir = dirs.find((d) => readFileSync(join(d, 'README.md'), 'utf8').includes('merged'))!;
    const merged = await loadModel(dir);
    const device = new TorchDevice({ python: TORCH_PYTHON, maxBatch: 8 });
    try {
      // the torch device serves a plain model through an adapter plan whose v is zero
      const zero = resolveStructure(tinyLoraConfig({ modules: ['q'], layers: 'all', rank: 1, u: 1, tie: { mode: 'full' } }), merged.config.nLayers);
      const session = await device.open(merged, tinyLoraGraph(buildAdapterPlan(merged, zero)));
      const golden = JSON.parse(readFileSync(join(DEMO, 'golden.json'), 'utf8')) as { prompt: string }[];
      const ids = golden.map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
      const adapted = await tinylora.greedy(ids, { maxNewTokens: 24, adapterV: Float32Array.from(adapter.v) });
      const base = await tinylora.greedy(ids, { maxNewTokens: 24 });
      expect(adapted).not.toEqual(base); // the adapter changes some completions
      expect(await session.greedy(ids, { maxNewTokens: 24 })).toEqual(adapted);
      await session.release();
    } finally {
      await device.close();
    }
  }, 120_000);
});

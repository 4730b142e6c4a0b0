/**
 * Adapter methods on the torch device: LoRA-XS runs in the torch worker as the TinyLoRA plan it
 * equals (P a scaled basis, one group per module), LoRA on the worker's per-row A·B branch; both give
 * ONNX Runtime's graph branch's log-likelihoods, and GRPO trains both by autograd.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapterMethod, ModelCache, trainTinyLora, type TinyLoraTrial } from '@tinysweep/engine';
import { DecoderSession, loadModel, type LoadedModel } from '@tinysweep/model';
import { TorchDevice } from '@tinysweep/torch';
import { TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = join(ROOT, 'models', 'demo-arith');
const torch = torchAvailability();

describe.skipIf(!torch.available)(`adapter methods on the torch device${torch.available ? '' : ` — SKIPPED: ${torch.reason}`}`, () => {
  let device: TorchDevice;
  let demo: LoadedModel;
  let golden: { prompt: string; completion: string }[];
  beforeAll(async () => {
    device = new TorchDevice({ python: TORCH_PYTHON, maxBatch: 32 });
    demo = await loadModel(DEMO);
    golden = JSON.parse(readFileSync(join(DEMO, 'golden.json'), 'utf8')) as typeof golden;
  });
  afterAll(async () => device?.close());

  for (const adapter of [
    { method: 'lora-xs', modules: ['q', 'v', 'down'], layers: 'last:2', rank: 2 },
    { method: 'lora', modules: ['q', 'v', 'down'], layers: 'last:2', rank: 2, alpha: 3 },
  ] as const) {
    it(`${adapter.method}: Σ log p per row agrees with the ONNX graph branch`, async () => {
      const prepared = adapterMethod(adapter.method).prepare(demo, { ...adapter, modules: [...adapter.modules] });
      const contexts = golden.slice(0, 6).map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
      const continuations = golden.slice(0, 6).map((g) => demo.tokenizer.encode(g.completion, { bos: false }));
      const v = Float32Array.from({ length: 6 * prepared.dim }, (_, i) => Math.sin(i * 1.7) * (adapter.method === 'lora' ? 0.05 : 0.5));
      const ort = await DecoderSession.create(demo, { adapter: prepared.session, maxBatch: 32, threads: 1 });
      const session = await device.open(demo, prepared.session);
      try {
        const a = await ort.logprobs(contexts, continuations, v);
        const b = await session.logprobs(contexts, continuations, v);
        expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThanOrEqual(1e-3);
        const base = await ort.logprobs(contexts, continuations);
        expect(Math.max(...a.map((x, i) => Math.abs(x - base[i]!)))).toBeGreaterThan(1e-2); // the adapter moved them
        // a method with neither form has no branch in the worker: refused, naming it
        const bare = { ...prepared.session, tinyLoraForm: undefined, loraForm: undefined };
        expect(device.refuses(bare)).toMatch(new RegExp(`no branch for ${adapter.method} adapters`));
      } finally {
        await ort.release();
        await session.release();
      }
    });
  }

  it('lora-xs and lora train by GRPO in the worker', async () => {
    const trial = (adapter: TinyLoraTrial['adapter']): TinyLoraTrial => ({
      model: { path: 'models/demo-arith' },
      task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 8, maxNewTokens: 24 },
      adapter,
      optimizer: { kind: 'grpo', lr: 0.05, iterations: 2, batch: 4, group: 4, temperature: 1 },
      seed: 2,
    });
    const models = new ModelCache({ device });
    const result = await trainTinyLora(trial({ method: 'lora-xs', modules: ['q', 'v'], layers: 'last:1', rank: 2 }), { models, baseDir: ROOT });
    expect(result.trainableParams).toBe(8);
    expect(result.adapter.v.some((x) => x !== 0)).toBe(true);
    const lora = await trainTinyLora(trial({ method: 'lora', modules: ['q'], layers: 'last:1', rank: 1 }), { models, baseDir: ROOT });
    expect(lora.trainableParams).toBe(256);
    expect(lora.adapter.v.slice(128).some((x) => x !== 0)).toBe(true); // B moved off its zero start
  }, 240_000);
});

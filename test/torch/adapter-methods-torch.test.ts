/**
 * Adapter methods on the torch device: LoRA-XS runs in the torch worker as the TinyLoRA plan it
 * equals (P a scaled basis, one group per module), so its log-likelihoods agree with ONNX Runtime's
 * graph branch and GRPO trains it by autograd; LoRA, which the worker has no branch for, is refused
 * naming adapter.method.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapterMethod, ModelCache, trainTinyLora, TrialConfigError, type TinyLoraTrial } from '@tinysweep/engine';
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

  it('lora-xs: Σ log p per row agrees with the ONNX graph branch', async () => {
    const prepared = adapterMethod('lora-xs').prepare(demo, { method: 'lora-xs', modules: ['q', 'v', 'down'], layers: 'last:2', rank: 2 });
    const contexts = golden.slice(0, 6).map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
    const continuations = golden.slice(0, 6).map((g) => demo.tokenizer.encode(g.completion, { bos: false }));
    const v = Float32Array.from({ length: 6 * prepared.dim }, (_, i) => Math.sin(i * 1.7) * 0.5);
    const ort = await DecoderSession.create(demo, { adapter: prepared.session, maxBatch: 32, threads: 1 });
    const session = await device.open(demo, prepared.session);
    try {
      const a = await ort.logprobs(contexts, continuations, v);
      const b = await session.logprobs(contexts, continuations, v);
      b.forEach((x, i) => expect(Math.abs(x - a[i]!)).toBeLessThanOrEqual(1e-3));
      expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThanOrEqual(1e-3);
    } finally {
      await ort.release();
      await session.release();
    }
  });

  it('lora-xs trains by GRPO in the worker; lora is refused naming adapter.method', async () => {
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
    const refused = trainTinyLora(trial({ method: 'lora', modules: ['q'], layers: 'last:1', rank: 1 }), { models, baseDir: ROOT });
    await expect(refused).rejects.toBeInstanceOf(TrialConfigError);
    await expect(refused).rejects.toThrow(/adapter\.method.*torch device runs tinylora and lora-xs adapters, not lora/);
  }, 240_000);
});

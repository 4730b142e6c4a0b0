/**
 * The torch device (a PyTorch worker process, libs/torch) against the ONNX Runtime device (libs/model's
 * DecoderSession) on CPU in float32, on the real models: the same greedy tokens on models/demo-arith's
 * golden prompts and on stories260K's golden llama2.c output, with adapters (random v per row, several
 * structures) and without; per-row logits within 1e-4; and the same ES seed training the same v.
 *
 * Runs on Debian's python3-torch (/usr/bin/python3, or TINYSWEEP_PYTHON); skipped, saying why, when
 * that Python cannot import torch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdapterPlan, ModelCache, OnnxDevice, tinyLoraGraph, trainTinyLora, type DeviceSession, type SessionAdapter, type TinyLoraTrial } from '@tinysweep/engine';
import { DecoderSession, leftPad, llama2cPrintable, loadModel, type Llama2cTokenizer, type LoadedModel } from '@tinysweep/model';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { resolveStructure, tinyLoraConfig, type TieSpec } from '@tinysweep/tinylora';
import { TorchDevice, type TorchSession } from '@tinysweep/torch';
import { firstDivergence, RecordingDevice, TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = join(ROOT, 'models', 'demo-arith');
const torch = torchAvailability();
const MAX_BATCH = 32; // the same on both devices, so both pad the same chunks

/** Deterministic "random" adapter rows: [rows, dim] with entries in [−scale, scale]. */
function randomV(rows: number, dim: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: rows * dim }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

function plan(model: LoadedModel, modules: string[], layers: string, rank: number, u: number, tie: TieSpec): SessionAdapter {
  const structure = resolveStructure(tinyLoraConfig({ modules: modules as never, layers: layers as never, rank, u, tie }), model.config.nLayers);
  return tinyLoraGraph(buildAdapterPlan(model, structure));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.skipIf(!torch.available)(`the torch device equals the ONNX Runtime device (CPU, float32)${torch.available ? '' : ` — SKIPPED: ${torch.reason}`}`, () => {
  let device: TorchDevice;
  let demo: LoadedModel;
  let golden: { prompt: string; completion: string }[];
  beforeAll(async () => {
    device = new TorchDevice({ python: TORCH_PYTHON, maxBatch: MAX_BATCH });
    demo = await loadModel(DEMO);
    golden = JSON.parse(readFileSync(join(DEMO, 'golden.json'), 'utf8')) as typeof golden;
  });
  afterAll(async () => device?.close());

  it('demo-arith: the golden completions, 16 of 16', async () => {
    const p = plan(demo, ['q'], 'all', 1, 1, { mode: 'full' });
    const session = await device.open(demo, p);
    const out = await session.greedy(golden.map((g) => demo.tokenizer.encode(g.prompt, { bos: true })), { maxNewTokens: 24 });
    await session.release();
    expect(golden).toHaveLength(16);
    expect(out.map((ids) => demo.tokenizer.decode(ids))).toEqual(golden.map((g) => g.completion));
  });

  // Several structures: every module of every block untied, tiled and structured tying, one module at rank 1.
  const STRUCTURES: [string, string[], string, number, number, TieSpec][] = [
    ['all modules, all blocks, untied, u 3', ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'all', 2, 3, { mode: 'none' }],
    ['13 numbers tied over the last block', ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'last:1', 2, 13, { mode: 'full' }],
    ['q and v, tiled by 3, rank 4', ['q', 'v'], 'every:2', 4, 2, { mode: 'tiled', n: 3 }],
    ['down only, structured by 2, rank 1', ['down'], 'all', 1, 5, { mode: 'structured', n: 2 }],
  ];

  it.each(STRUCTURES)('demo-arith with adapters (%s): the same greedy tokens per row, logits within 1e-4', async (_name, modules, layers, rank, u, tie) => {
    const p = plan(demo, modules, layers, rank, u, tie);
    const dim = p.input.rows * p.input.cols;
    const prompts = golden.map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
    const v = randomV(prompts.length, dim, dim * 7 + rank, 0.5); // every row its own adapter, |v| ≤ 0.5 (ES explores σ ~0.15 around its mean)
    const ort = await DecoderSession.create(demo, { adapter: p, maxBatch: MAX_BATCH, threads: 1 });
    const session = (await device.open(demo, p)) as TorchSession;
    try {
      const a = await ort.greedy(prompts, { maxNewTokens: 24, adapterV: v });
      const b = await session.greedy(prompts, { maxNewTokens: 24, adapterV: v });
      expect(b).toEqual(a);
      // the adapters change what the model says (else this would test nothing)
      expect(a.map((ids) => demo.tokenizer.decode(ids))).not.toEqual(golden.map((g) => g.completion));
      const rows = prompts.map((prompt, i) => [...prompt, ...a[i]!]);
      const { ids, mask } = leftPad(rows);
      const ortLogits = await ort.forward({ ids, attentionMask: mask, adapterV: v });
      const torchLogits = await session.logits(rows, v);
      expect(torchLogits.dims).toEqual(ortLogits.dims);
      // padding slots see only padding (uniform attention): compare the real positions
      const [B, L, V] = ortLogits.dims;
      let err = 0;
      rows.forEach((row, r) => {
        const from = (r * L + (L - row.length)) * V;
        err = Math.max(err, maxAbsDiff(ortLogits.logits.subarray(from, (r + 1) * L * V), torchLogits.logits.subarray(from, (r + 1) * L * V)));
      });
      expect(err).toBeLessThanOrEqual(1e-4);
      expect(B).toBe(16);
    } finally {
      await ort.release();
      await session.release();
    }
  });

  it('stories260K: the llama2.c golden output from BOS (256 tokens), and adapters on story openers equal ONNX Runtime', async () => {
    const model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    const p = plan(model, ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'all', 2, 13, { mode: 'tiled', n: 7 });
    const session = await device.open(model, p);
    const ort = await DecoderSession.create(model, { adapter: p, maxBatch: MAX_BATCH, threads: 1 });
    try {
      const [generated] = await session.greedy([[1]], { maxNewTokens: 256, stopIds: [1] });
      const tokenizer = model.tokenizer as Llama2cTokenizer;
      const printed: Uint8Array[] = [];
      let prev = 1;
      for (const id of generated!) {
        printed.push(llama2cPrintable(tokenizer.decodeTokenBytes(prev, id)));
        prev = id;
      }
      printed.push(Buffer.from('\n'));
      expect(Buffer.concat(printed).toString('utf8')).toBe(readFileSync(join(STORIES260K_DIR, 'expected_greedy_t0_empty_prompt.txt'), 'utf8'));
      const prompts = ['Once upon a time, there was a little boy named', 'One day, a girl named', 'The cat and the dog'].map((t) => tokenizer.encode(t));
      const v = randomV(prompts.length, p.input.rows * p.input.cols, 11, 2);
      const a = await ort.greedy(prompts, { maxNewTokens: 32, adapterV: v });
      expect(await session.greedy(prompts, { maxNewTokens: 32, adapterV: v })).toEqual(a);
    } finally {
      await session.release();
      await ort.release();
    }
  });

  it('Σ log p of continuations per row agrees (the NLL objective and multiple choice read these)', async () => {
    const p = plan(demo, ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'last:2', 2, 4, { mode: 'none' });
    const contexts = golden.slice(0, 8).map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
    const continuations = golden.slice(0, 8).map((g) => demo.tokenizer.encode(g.completion, { bos: false }));
    const v = randomV(8, p.input.rows * p.input.cols, 5, 1);
    const ort = await DecoderSession.create(demo, { adapter: p, maxBatch: MAX_BATCH, threads: 1 });
    const session = await device.open(demo, p);
    try {
      const a = await ort.logprobs(contexts, continuations, v);
      const b = await session.logprobs(contexts, continuations, v);
      b.forEach((x, i) => expect(Math.abs(x - a[i]!)).toBeLessThanOrEqual(1e-3));
    } finally {
      await ort.release();
      await session.release();
    }
  });

  it('the same ES seed trains the same v on both devices (or names where the runs part)', async () => {
    const trial: TinyLoraTrial = {
      model: { path: 'models/demo-arith' },
      task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 40, maxNewTokens: 24 },
      adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'last:1', rank: 2, u: 13, tie: { mode: 'full' } },
      optimizer: { kind: 'es', population: 8, sigma: 0.15, lr: 0.1, iterations: 6, batch: 8 },
      seed: 1,
    };
    const lastLogitsOrt = async (s: DeviceSession, ids: number[], v: Float32Array | undefined) =>
      (await (s as DecoderSession).forward({ ids: [ids], adapterV: v, lastOnly: true })).logits;
    const lastLogitsTorch = async (s: DeviceSession, ids: number[], v: Float32Array | undefined) => {
      const { logits, dims } = await (s as TorchSession).logits([ids], v);
      return logits.subarray((dims[1] - 1) * dims[2]);
    };
    const onOrt = new RecordingDevice(new OnnxDevice({ maxBatch: MAX_BATCH, threads: 1 }), lastLogitsOrt);
    const onTorch = new RecordingDevice(device, lastLogitsTorch);
    const a = await trainTinyLora(trial, { models: new ModelCache({ device: onOrt }), baseDir: ROOT });
    const b = await trainTinyLora(trial, { models: new ModelCache({ device: onTorch }), baseDir: ROOT });
    expect(onTorch.calls.length).toBe(onOrt.calls.length);
    const divergence = await firstDivergence(onOrt, onTorch);
    if (divergence === undefined) {
      // every generation identical: the same v bit for bit, the same held-out accuracy
      expect(b.adapter.v).toEqual(a.adapter.v);
      expect(b.metrics.acc).toBe(a.metrics.acc);
    } else {
      // a greedy near-tie flipped a token: say where, and the runs must still agree within 3 points
      console.warn(`ES runs parted: ${divergence.text}`);
      expect(Math.abs(divergence.logits[0].a - divergence.logits[0].b)).toBeLessThan(1e-3);
      expect(Math.abs(b.metrics.acc - a.metrics.acc)).toBeLessThanOrEqual(0.03);
    }
    expect(a.adapter.v.some((x) => x !== 0)).toBe(true);
  }, 240_000);

  it('the gradient with respect to v is the finite-difference gradient of the weighted log-likelihood', async () => {
    const p = plan(demo, ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'last:2', 2, 3, { mode: 'tiled', n: 7 });
    const dim = p.input.rows * p.input.cols;
    const contexts = golden.slice(0, 6).map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
    const continuations = golden.slice(0, 6).map((g) => demo.tokenizer.encode(g.completion, { bos: false }));
    const weights = [0.5, -1, 0.25, 2, -0.3, 1];
    const v = randomV(1, dim, 3, 0.3);
    const session = await device.open(demo, p);
    try {
      const { grad, logprobs } = await session.gradient!({ contexts, continuations, weights, v });
      const J = async (x: Float32Array) => {
        const rows = new Float32Array(contexts.length * dim);
        for (let r = 0; r < contexts.length; r++) rows.set(x, r * dim);
        return (await session.logprobs(contexts, continuations, rows)).reduce((s, lp, i) => s + weights[i]! * lp, 0);
      };
      const eps = 1e-2;
      for (let i = 0; i < dim; i++) {
        const plus = Float32Array.from(v);
        const minus = Float32Array.from(v);
        plus[i]! += eps;
        minus[i]! -= eps;
        const fd = ((await J(plus)) - (await J(minus))) / (2 * eps);
        expect(Math.abs(grad[i]! - fd)).toBeLessThanOrEqual(0.02 * Math.max(1, Math.abs(fd)));
      }
      const rows = new Float32Array(contexts.length * dim);
      for (let r = 0; r < contexts.length; r++) rows.set(v, r * dim);
      (await session.logprobs(contexts, continuations, rows)).forEach((lp, i) => expect(Math.abs(logprobs[i]! - lp)).toBeLessThan(1e-3));
    } finally {
      await session.release();
    }
  });

  it('GRPO trains v by autograd in the worker: seeded sampling makes a run repeatable; SFT takes the same path', async () => {
    const trial = (over: Partial<TinyLoraTrial> = {}): TinyLoraTrial => ({
      model: { path: 'models/demo-arith' },
      task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 20, maxNewTokens: 24 },
      adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'last:1', rank: 2, u: 13, tie: { mode: 'full' } },
      optimizer: { kind: 'grpo', lr: 0.05, iterations: 4, batch: 4, group: 4, temperature: 1 },
      seed: 2,
      ...over,
    });
    const models = new ModelCache({ device });
    const steps: Record<string, number>[] = [];
    const a = await trainTinyLora(trial(), { models, baseDir: ROOT, events: { progress: (_, m) => steps.push(m) } });
    const b = await trainTinyLora(trial(), { models, baseDir: ROOT });
    expect(a.adapter.v.some((x) => x !== 0)).toBe(true);
    expect(b.adapter.v).toEqual(a.adapter.v);
    expect(steps).toHaveLength(4);
    expect(steps[0]).toMatchObject({ train_reward: expect.any(Number), best_reward: expect.any(Number), grad_norm: expect.any(Number) });
    // objective nll: SFT on the direct answers by autograd, Adam on the same v
    const nll: number[] = [];
    const sft = await trainTinyLora(trial({ task: { ...trial().task, objective: 'nll' }, optimizer: { kind: 'grpo', lr: 0.1, iterations: 6, batch: 8 } }), {
      models,
      baseDir: ROOT,
      events: { progress: (_, m) => nll.push(m.train_nll!) },
    });
    expect(sft.adapter.v.some((x) => x !== 0)).toBe(true);
    expect(nll).toHaveLength(6);
    expect(nll.at(-1)!).toBeLessThan(nll[0]!);
  }, 240_000);
});

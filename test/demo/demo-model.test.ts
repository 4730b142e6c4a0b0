/**
 * The demo model (models/demo-arith) and the TinyLoRA effect on it, at small scale, through the
 * engine a trainer runs: 13 trained numbers on the last block switch the model into showing its
 * working, and held-out accuracy rises with it. `npm run bench:demo` measures the full-size figures.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelCache, trainTinyLora, type TinyLoraTrial } from '@tinysweep/engine';
import { DecoderSession } from '@tinysweep/model';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODEL_DIR = join(ROOT, 'models', 'demo-arith');
const models = new ModelCache({ session: { maxBatch: 256 } });
afterAll(() => models.close());

const worked = (completions: readonly string[]) => completions.filter((c) => c.includes('(')).length / completions.length;

const trial = (layers: string): TinyLoraTrial => ({
  model: { path: 'models/demo-arith' },
  task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 100, maxNewTokens: 24 },
  adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: layers as TinyLoraTrial['adapter']['layers'], rank: 2, u: 13, tie: { mode: 'full' } },
  optimizer: { kind: 'es', population: 32, sigma: 0.15, lr: 0.1, iterations: 50, batch: 8 },
  seed: 1,
});

describe('the demo model', () => {
  it('is a small HF Llama that libs/model decodes exactly as PyTorch did', async () => {
    const size = ['model.safetensors', 'tokenizer.json', 'config.json'].reduce((s, f) => s + statSync(join(MODEL_DIR, f)).size, 0);
    expect(size).toBeLessThan(20 * 1024 * 1024);
    const { model } = await models.model(MODEL_DIR);
    expect(model.config.nLayers).toBe(4);
    const golden = JSON.parse(readFileSync(join(MODEL_DIR, 'golden.json'), 'utf8')) as { prompt: string; completion: string }[];
    const session = await DecoderSession.create(model, { threads: 1 });
    const out = await session.greedy(golden.map((g) => model.tokenizer.encode(g.prompt, { bos: true })), { maxNewTokens: 24 });
    await session.release();
    expect(out.map((ids) => model.tokenizer.decode(ids))).toEqual(golden.map((g) => g.completion));
    // it usually answers directly: the behaviour the adapter has to switch
    expect(worked(golden.map((g) => g.completion))).toBeLessThan(0.5);
  });

  it('13 numbers on the last block switch the working on and lift held-out accuracy (ES on exact match)', async () => {
    const r = await trainTinyLora(trial('last:1'), { models, baseDir: ROOT });
    expect(r.trainableParams).toBe(13);
    const before = worked(r.completions!.before);
    const after = worked(r.completions!.after);
    expect(before).toBeLessThan(0.35);
    expect(after - before).toBeGreaterThan(0.15);
    // beyond the base model's own 95% interval, on problems never seen in pretraining
    expect(r.metrics.acc).toBeGreaterThan(r.metrics.acc_before_hi);
    expect(r.metrics.acc - r.metrics.acc_before).toBeGreaterThan(0.1);
  }, 240_000);
});

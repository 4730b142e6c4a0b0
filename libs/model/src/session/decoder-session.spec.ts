import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../loaders/load-model.js';
import type { LoadedModel } from '../loaders/loaded-model.js';
import { maxAbsDiff, STORIES260K_DIR } from '../testing/shared-data.js';
import { argmax, logSoftmaxAt } from './batching.js';
import { DecoderSession } from './decoder-session.js';

describe('DecoderSession on stories260K', () => {
  let model: LoadedModel;
  let session: DecoderSession;
  let cacheDir: string;
  const V = 512;

  beforeAll(async () => {
    model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-model-'));
    session = await DecoderSession.create(model, { cacheDir, maxBatch: 8 });
  });
  afterAll(async () => {
    await session.release();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('decoding with the KV cache gives the tokens of full recomputation', async () => {
    const prompt = model.tokenizer.encode('Once upon a time, there was a dog');
    const [cached] = await session.greedy([prompt], { maxNewTokens: 24, stopIds: [] });
    // no cache: rerun the whole sequence for every new token
    const sequence = [...prompt];
    const recomputed: number[] = [];
    for (let step = 0; step < 24; step++) {
      const { logits } = await session.forward({ ids: [sequence], lastOnly: true });
      const next = argmax(logits, 0, V);
      recomputed.push(next);
      sequence.push(next);
    }
    expect(cached).toEqual(recomputed);
  });

  it('the cache extends step by step with the same logits as one full pass', async () => {
    const ids = model.tokenizer.encode('The cat sat on the mat');
    const full = await session.forward({ ids: [ids] });
    let step = await session.forward({ ids: [ids.slice(0, 3)] });
    for (let t = 3; t < ids.length; t++) {
      step = await session.forward({ ids: [[ids[t]!]], past: step.present });
      expect(maxAbsDiff(step.logits, full.logits.subarray(t * V, (t + 1) * V))).toBeLessThan(1e-4);
    }
    expect(step.present.length).toBe(ids.length);
    expect(step.present.keys[0]!.dims).toEqual([1, 4, ids.length, 8]);
  });

  it('left-padded prompts of different lengths in one batch decode as each alone', async () => {
    const prompts = ['Lily', 'Once upon a time, there was a big', 'The sun was', 'Tom and his mom went to the park to'].map((t) => model.tokenizer.encode(t));
    const together = await session.greedy(prompts, { maxNewTokens: 20, stopIds: [] });
    for (const [row, prompt] of prompts.entries()) {
      const [alone] = await session.greedy([prompt], { maxNewTokens: 20, stopIds: [] });
      expect(together[row]).toEqual(alone);
    }
  });

  it('splits batches larger than maxBatch and stops rows on their own stop id', async () => {
    const prompts = Array.from({ length: 11 }, (_, i) => model.tokenizer.encode(['Lily', 'Tom was', 'One day'][i % 3]!));
    const out = await session.greedy(prompts, { maxNewTokens: 12, stopIds: [] });
    expect(out).toHaveLength(11);
    expect(out[3]).toEqual(out[0]);
    // stop on the token the first row emits third: that row ends after two tokens, others run on
    const stopAt = out[0]![2]!;
    const stopped = await session.greedy(prompts.slice(0, 3), { maxNewTokens: 12, stopIds: [stopAt] });
    expect(stopped[0]).toEqual(out[0]!.slice(0, 2));
    expect(stopped[1]).toEqual(out[1]!.slice(0, out[1]!.indexOf(stopAt) === -1 ? 12 : out[1]!.indexOf(stopAt)));
  });

  it('logprobs sums teacher-forced log p(continuation | context), batched as alone', async () => {
    const contexts = ['Once upon a time', 'Lily liked'].map((t) => model.tokenizer.encode(t));
    const continuations = ['there was a girl', 'to play'].map((t) => model.tokenizer.encode(t, { bos: false })); // ' there …' via the dummy prefix
    const batched = await session.logprobs(contexts, continuations);
    for (const [row, context] of contexts.entries()) {
      const cont = continuations[row]!;
      const { logits } = await session.forward({ ids: [[...context, ...cont]] });
      let expected = 0;
      cont.forEach((token, j) => (expected += logSoftmaxAt(logits, (context.length - 1 + j) * V, V, token)));
      expect(batched[row]).toBeCloseTo(expected, 4);
      expect(batched[row]).toBeLessThan(0);
    }
  });

  it('rejects inputs whose shapes disagree, naming them', async () => {
    await expect(session.forward({ ids: [[1, 2]], attentionMask: [[1, 1, 1]] })).rejects.toThrow(/attentionMask must be \[1, 2\]/);
    await expect(session.forward({ ids: [[1], [1, 2]] })).rejects.toThrow(/pad rows to one length/);
    await expect(session.forward({ ids: [[1]], adapterV: new Float32Array(2) })).rejects.toThrow(/without an adapter plan/);
    await expect(session.forward({ ids: [[1]], positionIds: [[512]] })).rejects.toThrow(/position 512 is outside \[0, maxSeqLen = 512\)/);
    await expect(DecoderSession.create(model, { cacheDir, maxBatch: 0 })).rejects.toThrow(/maxBatch must be a positive integer/);
  });

  it('a second create with the same model loads the cached graph without rebuilding', async () => {
    const again = await DecoderSession.create(model, { cacheDir });
    const mtime = statSync(again.graphPath).mtimeMs;
    expect(again.cacheHit).toBe(true);
    expect(again.graphPath).toBe(session.graphPath);
    const third = await DecoderSession.create(model, { cacheDir });
    expect(statSync(third.graphPath).mtimeMs).toBe(mtime);
    await again.release();
    await third.release();
  });
});

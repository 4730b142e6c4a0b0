import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderSession } from '../session/decoder-session.js';
import { STORIES260K_DIR } from '../testing/shared-data.js';
import { Llama2cTokenizer, llama2cPrintable } from '../tokenizer/llama2c-tokenizer.js';
import { loadModel } from './load-model.js';
import type { LoadedModel } from './loaded-model.js';

describe('llama2.c stories260K', () => {
  let model: LoadedModel;
  let cacheDir: string;

  beforeAll(async () => {
    model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-model-'));
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('reads the header as config.json describes it', () => {
    const expected = JSON.parse(readFileSync(join(STORIES260K_DIR, 'config.json'), 'utf8')) as Record<string, number | boolean>;
    expect(model.config).toMatchObject({
      dim: expected.dim,
      hiddenDim: expected.hidden_dim,
      nLayers: expected.n_layers,
      nHeads: expected.n_heads,
      nKvHeads: expected.n_kv_heads,
      headDim: expected.head_dim,
      vocabSize: expected.vocab_size,
      maxSeqLen: expected.max_seq_len,
      tiedEmbeddings: expected.tied_embeddings,
      ropeStyle: 'interleaved',
    });
    expect(model.weights.has('lm_head.weight')).toBe(false);
    expect(model.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('greedy from BOS reproduces llama2.c run (temperature 0, 256 steps) byte for byte', async () => {
    const session = await DecoderSession.create(model, { cacheDir });
    // run.c: forward `steps` times from BOS, stop early only on BOS (1), print each piece through
    // decode() (leading space dropped after BOS, <0xNN> → byte) and safe_printf(), then "\n".
    const [generated] = await session.greedy([[1]], { maxNewTokens: 256, stopIds: [1] });
    await session.release();
    const tokenizer = model.tokenizer as Llama2cTokenizer;
    const printed: Uint8Array[] = [];
    let prev = 1;
    for (const id of generated!) {
      printed.push(llama2cPrintable(tokenizer.decodeTokenBytes(prev, id)));
      prev = id;
    }
    printed.push(Buffer.from('\n'));
    const expected = readFileSync(join(STORIES260K_DIR, 'expected_greedy_t0_empty_prompt.txt'));
    expect(Buffer.concat(printed).toString('utf8')).toBe(expected.toString('utf8'));
    expect(generated).toHaveLength(256);
  });

  it('encodes like run.c and decodes back', () => {
    const tokenizer = model.tokenizer;
    const ids = tokenizer.encode('Once upon a time, there was a little girl named Lily.');
    expect(ids[0]).toBe(1);
    expect(ids.length).toBeLessThan(20); // merged, not byte by byte
    expect(tokenizer.decode(ids)).toBe('Once upon a time, there was a little girl named Lily.');
    expect(tokenizer.encode('', { bos: true })).toEqual([1]);
    // a character outside the vocabulary falls back to its UTF-8 bytes (<0xNN> = NN + 3) and decodes back
    const cjk = tokenizer.encode('日', { bos: false });
    expect(cjk.slice(1)).toEqual([0xe6 + 3, 0x97 + 3, 0xa5 + 3]);
    expect(tokenizer.decode(cjk)).toBe('日');
  });
});

/**
 * The HF path end to end on random checkpoints: config.json + safetensors (f32/bf16/f16, sharded)
 * + tokenizer.json → graph → ONNX Runtime, checked against the TypeScript reference forward.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderSession } from '../session/decoder-session.js';
import { writeRandomHfCheckpoint, type RandomCheckpointOptions } from '../testing/hf-checkpoint.js';
import { referenceForward } from '../testing/reference-forward.js';
import { maxAbsDiff } from '../testing/shared-data.js';
import { CHATML_TEMPLATE } from '../testing/tokenizer-json.js';
import { applyChatTemplate } from '../tokenizer/chat-template.js';
import { SafetensorsWeights } from '../weights/safetensors.js';
import { loadModel } from './load-model.js';

const TEXT = 'once upon a time there was a little dog';

const CHECKPOINTS: [string, RandomCheckpointOptions][] = [
  ['llama f32, tied', { architecture: 'llama' }],
  ['llama bf16, 3 shards, MHA', { architecture: 'llama', dtype: 'BF16', shards: 3, nKvHeads: 4, seed: 2 }],
  ['qwen2 f32, q/k/v biases, untied', { architecture: 'qwen2', seed: 3 }],
  ['qwen2 f16, tied', { architecture: 'qwen2', dtype: 'F16', tiedEmbeddings: true, seed: 4 }],
  ['mistral f32, sliding window 3', { architecture: 'mistral', slidingWindow: 3, seed: 5 }],
];

describe('HF checkpoints', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tinysweep-model-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(CHECKPOINTS)('%s: graph logits equal the reference forward', async (name, opts) => {
    const dir = join(root, name.replace(/\W+/g, '-'));
    writeRandomHfCheckpoint(dir, opts);
    const model = await loadModel(dir);
    expect(model.config.architecture).toBe(opts.architecture);
    expect(model.config.ropeStyle).toBe('half');
    const ids = model.tokenizer.encode(TEXT);
    const session = await DecoderSession.create(model, { cacheDir: join(root, 'graphs') });
    const { logits, dims } = await session.forward({ ids: [ids] });
    await session.release();
    expect(dims).toEqual([1, ids.length, model.config.vocabSize]);
    expect(maxAbsDiff(logits, referenceForward(model.config, model.weights, ids))).toBeLessThanOrEqual(1e-4);
  });

  it('the comparison catches a RoPE-style mistake', async () => {
    const dir = join(root, 'rope-check');
    writeRandomHfCheckpoint(dir, { architecture: 'llama', seed: 6 });
    const model = await loadModel(dir);
    const ids = model.tokenizer.encode(TEXT);
    const right = referenceForward(model.config, model.weights, ids);
    const wrong = referenceForward({ ...model.config, ropeStyle: 'interleaved' }, model.weights, ids);
    expect(maxAbsDiff(right, wrong)).toBeGreaterThan(1e-2);
  });

  it('stores bf16/f16 and reads them back as float32', () => {
    const dir = join(root, 'dtypes');
    writeRandomHfCheckpoint(dir, { architecture: 'llama', dtype: 'BF16' });
    const weights = new SafetensorsWeights([join(dir, 'model.safetensors')]);
    expect(weights.dtypeOf('model.norm.weight')).toBe('BF16');
    const norm = weights.get('model.norm.weight');
    expect(norm.shape).toEqual([32]);
    expect(norm.data.every((x) => Math.abs(x - 1) < 0.5)).toBe(true); // 1 ± 0.1 noise survives the round trip
  });

  it('loads tokenizer.json with @huggingface/tokenizers (sentencepiece and byte-level)', async () => {
    const llamaDir = join(root, 'tok-llama');
    writeRandomHfCheckpoint(llamaDir, { architecture: 'llama' });
    const llama = await loadModel(llamaDir);
    const ids = llama.tokenizer.encode('once upon a time');
    expect(ids[0]).toBe(1); // the post-processor adds <s>
    expect(ids).toContain(llama.tokenizer.encode('once', { bos: false })[0]); // '▁once' merged into one piece
    expect(llama.tokenizer.decode(ids)).toBe('once upon a time');
    expect(llama.tokenizer.encode('once', { bos: false })[0]).not.toBe(1);
    expect(llama.tokenizer.eosIds).toEqual([2]);

    const qwenDir = join(root, 'tok-qwen');
    writeRandomHfCheckpoint(qwenDir, { architecture: 'qwen2' });
    const qwen = await loadModel(qwenDir);
    const chat = '<|im_start|>user\nhello<|im_end|>\n';
    const qIds = qwen.tokenizer.encode(chat, { bos: true }); // Qwen has no BOS: nothing prepended
    expect(qIds[0]).toBe(qwen.tokenizer.vocabSize - 2); // <|im_start|> is one added token
    expect(qwen.tokenizer.decode(qwen.tokenizer.encode('once upon ü'))).toBe('once upon ü');
    expect(qwen.tokenizer.vocabSize).toBeLessThan(qwen.config.vocabSize); // embedding rows padded, as Qwen does
    expect(qwen.chatTemplate).toBe(CHATML_TEMPLATE);
  });

  it('applyChatTemplate renders a ChatML template', () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is 2+2?' },
    ];
    expect(applyChatTemplate(CHATML_TEMPLATE, messages)).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(applyChatTemplate(CHATML_TEMPLATE, messages, { addGenerationPrompt: false })).not.toContain('assistant');
    expect(applyChatTemplate("{{ bos_token }}{% if messages|length == 0 %}{{ raise_exception('empty') }}{% endif %}", [{ role: 'user', content: '' }], { bosToken: '<s>' })).toBe('<s>');
    expect(() => applyChatTemplate("{{ raise_exception('no system role') }}", [])).toThrow(/no system role/);
  });

  it('throws on an unknown architecture, naming it', async () => {
    const dir = join(root, 'gpt2');
    writeRandomHfCheckpoint(dir, { architecture: 'llama' });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['GPT2LMHeadModel'], hidden_size: 32 }));
    await expect(loadModel(dir)).rejects.toThrow(/architecture GPT2LMHeadModel is not supported/);
  });
});

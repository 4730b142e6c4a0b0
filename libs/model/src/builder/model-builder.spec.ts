/** Decisions the builders make (which nodes, which initializers, which attrs), plus graph serialization. */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../loaders/load-model.js';
import type { LoadedModel } from '../loaders/loaded-model.js';
import { DecoderSession } from '../session/decoder-session.js';
import { writeRandomHfCheckpoint, type RandomCheckpointOptions } from '../testing/hf-checkpoint.js';
import { maxAbsDiff, STORIES260K_DIR } from '../testing/shared-data.js';
import { architectureFor, createBuilder } from './architectures.js';
import { buildDecoderGraph, buildDecoderParts } from './build-graph.js';
import { MistralBuilder } from './mistral-builder.js';
import { ModelBuilder } from './model-builder.js';
import { Qwen2Builder } from './qwen2-builder.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinysweep-model-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function fake(opts: RandomCheckpointOptions): Promise<LoadedModel> {
  const dir = join(root, `${opts.architecture}-${opts.seed ?? 1}-${opts.slidingWindow ?? 0}-${opts.nKvHeads ?? 2}-${opts.tiedEmbeddings ?? ''}`);
  writeRandomHfCheckpoint(dir, opts);
  return loadModel(dir);
}

/** Exposes the attrs a builder chose. */
function attrsOf(builder: ModelBuilder) {
  return builder as unknown as { attentionAttrs: { qkvBias: boolean; slidingWindow?: number; nRep: number }; lmHeadAttrs: { tied: boolean }; ropeAttrs: { style: string } };
}

describe('architecture table', () => {
  it('maps architectures[0] to a builder and throws on unknown ones', () => {
    expect(architectureFor('Qwen2ForCausalLM').kind).toBe('qwen2');
    expect(() => architectureFor('PhiForCausalLM')).toThrow('architecture PhiForCausalLM is not supported (supported: LlamaForCausalLM, Qwen2ForCausalLM, MistralForCausalLM)');
    expect(() => architectureFor('toString')).toThrow(/toString is not supported/);
  });

  it('subclasses change only their attrs', async () => {
    const qwen = createBuilder(await fake({ architecture: 'qwen2' }));
    expect(qwen).toBeInstanceOf(Qwen2Builder);
    expect(attrsOf(qwen).attentionAttrs.qkvBias).toBe(true);
    const mistral = createBuilder(await fake({ architecture: 'mistral', slidingWindow: 4 }));
    expect(mistral).toBeInstanceOf(MistralBuilder);
    expect(attrsOf(mistral).attentionAttrs.slidingWindow).toBe(4);
    const llama = createBuilder(await fake({ architecture: 'llama' }));
    expect(attrsOf(llama).attentionAttrs).toMatchObject({ qkvBias: false, slidingWindow: undefined, nRep: 2 });
    expect(attrsOf(llama).ropeAttrs.style).toBe('half');
  });
});

describe('graph structure', () => {
  it('names nodes as paths, makes shared subgraphs and constants once', async () => {
    const parts = buildDecoderParts(await fake({ architecture: 'llama' }));
    const names = parts.nodes.map((n) => n.name!);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('/model/layers.0/attn/q_proj/MatMul');
    expect(names).toContain('/model/layers.1/mlp/down_proj/MatMul');
    expect(names.filter((n) => n.startsWith('/model/attn_mask/')).length).toBeGreaterThan(0);
    expect(names.filter((n) => n === '/model/rotary/cos/Gather')).toHaveLength(1);
    const inits = parts.initializers.map((i) => i.name);
    expect(new Set(inits).size).toBe(inits.length);
    expect(inits.filter((n) => n.startsWith('/model/constants/INT64/1/'))).toContain('/model/constants/INT64/1/-1');
    const outputs = parts.nodes.flatMap((n) => n.output!);
    expect(outputs).toContain('/model/layers.0/attn/q_proj/MatMul/output_0');
    expect(parts.inputs.map((i) => i.name)).toEqual([
      'input_ids', 'attention_mask', 'position_ids',
      'past_key_values.0.key', 'past_key_values.0.value', 'past_key_values.1.key', 'past_key_values.1.value',
      'logits_to_keep',
    ]);
    expect(parts.outputs.map((o) => o.name)).toEqual(['logits', 'present.0.key', 'present.0.value', 'present.1.key', 'present.1.value']);
    expect(new Set(parts.nodes.map((n) => n.opType)).has('Expand')).toBe(false); // GQA regroups q instead of copying K/V
  });

  it('ties lm_head to one embed_tokens initializer through Gemm(transB)', async () => {
    const tied = buildDecoderParts(await fake({ architecture: 'llama' }));
    expect(tied.initializers.filter((i) => i.name === 'model.embed_tokens.weight')).toHaveLength(1);
    expect(tied.initializers.some((i) => i.name.startsWith('lm_head'))).toBe(false);
    expect(tied.nodes.find((n) => n.name === '/model/lm_head/Gemm')?.input).toContain('model.embed_tokens.weight');
    const untied = buildDecoderParts(await fake({ architecture: 'qwen2' }));
    expect(untied.initializers.some((i) => i.name === 'lm_head.weight.T')).toBe(true);
    expect(untied.nodes.some((n) => n.name === '/model/layers.0/attn/k_proj/bias/Add')).toBe(true);
  });

  it('adds the sliding-window condition only when Mistral has a window', async () => {
    const windowed = buildDecoderParts(await fake({ architecture: 'mistral', slidingWindow: 3 }));
    expect(windowed.nodes.some((n) => n.name === '/model/attn_mask/window/Greater')).toBe(true);
    const plain = buildDecoderParts(await fake({ architecture: 'mistral' }));
    expect(plain.nodes.some((n) => n.name!.includes('window'))).toBe(false);
  });

  it('plain multi-head attention skips the GQA regrouping', async () => {
    const mha = buildDecoderParts(await fake({ architecture: 'llama', nKvHeads: 4 }));
    expect(mha.nodes.some((n) => n.name!.includes('q_grouped'))).toBe(false);
  });
});

describe('serialization', () => {
  it('inline bytes load in ONNX Runtime', async () => {
    const bytes = buildDecoderGraph(await fake({ architecture: 'llama' }));
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toContain('logits_to_keep');
    await session.release();
  });

  it('external data (forced threshold) gives the logits of the inline graph', async () => {
    const model = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    const inline = await DecoderSession.create(model, { cacheDir: join(root, 'inline') });
    const external = await DecoderSession.create(model, { cacheDir: join(root, 'external'), externalDataThreshold: 0 });
    expect(existsSync(`${external.graphPath}.data`)).toBe(true);
    expect(existsSync(`${inline.graphPath}.data`)).toBe(false);
    expect(statSync(external.graphPath).size).toBeLessThan(statSync(inline.graphPath).size / 4); // weights live in the data file
    const ids = [model.tokenizer.encode('Once upon a time')];
    const a = await inline.forward({ ids });
    const b = await external.forward({ ids });
    expect(maxAbsDiff(a.logits, b.logits)).toBe(0);
    await inline.release();
    await external.release();
  });
});

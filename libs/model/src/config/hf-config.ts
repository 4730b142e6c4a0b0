/**
 * HF config.json (+ generation_config.json) → DecoderConfig. Field defaults follow transformers'
 * LlamaConfig / Qwen2Config / MistralConfig; anything we cannot build faithfully throws, naming it.
 */
import { architectureFor } from '../builder/architectures.js';
import type { DecoderConfig, RopeScaling } from './decoder-config.js';

type Json = Record<string, unknown>;

export function decoderConfigFromHf(hf: Json, generation: Json = {}): DecoderConfig {
  const architectures = hf.architectures;
  const name = Array.isArray(architectures) && typeof architectures[0] === 'string' ? architectures[0] : undefined;
  if (!name) throw new Error('config.json has no architectures[0]');
  const { kind } = architectureFor(name);

  const act = hf.hidden_act ?? hf.hidden_activation ?? 'silu';
  if (act !== 'silu') throw new Error(`hidden_act ${String(act)} is not supported (only silu)`);
  if (hf.mlp_bias === true) throw new Error('mlp_bias is not supported');
  if (kind === 'qwen2' && hf.use_sliding_window === true) throw new Error('Qwen2 use_sliding_window is not supported');

  const dim = int(hf, 'hidden_size');
  const nHeads = int(hf, 'num_attention_heads');
  const eos = generation.eos_token_id ?? hf.eos_token_id;
  return {
    architecture: kind,
    vocabSize: int(hf, 'vocab_size'),
    dim,
    nLayers: int(hf, 'num_hidden_layers'),
    nHeads,
    nKvHeads: typeof hf.num_key_value_heads === 'number' ? hf.num_key_value_heads : nHeads,
    headDim: typeof hf.head_dim === 'number' ? hf.head_dim : dim / nHeads,
    hiddenDim: int(hf, 'intermediate_size'),
    normEps: typeof hf.rms_norm_eps === 'number' ? hf.rms_norm_eps : 1e-6,
    ropeTheta: typeof hf.rope_theta === 'number' ? hf.rope_theta : 10000,
    ropeStyle: 'half', // HF checkpoints are permuted for rotate_half
    ropeScaling: ropeScaling(hf.rope_scaling),
    maxSeqLen: typeof hf.max_position_embeddings === 'number' ? hf.max_position_embeddings : 2048,
    tiedEmbeddings: hf.tie_word_embeddings === true,
    qkvBias: kind === 'qwen2' || hf.attention_bias === true,
    slidingWindow: kind === 'mistral' && typeof hf.sliding_window === 'number' ? hf.sliding_window : undefined,
    bosTokenId: typeof (generation.bos_token_id ?? hf.bos_token_id) === 'number' ? ((generation.bos_token_id ?? hf.bos_token_id) as number) : -1,
    eosTokenId: Array.isArray(eos) ? (eos as number[]) : typeof eos === 'number' ? eos : [],
  };
}

function ropeScaling(raw: unknown): RopeScaling | undefined {
  if (raw === null || raw === undefined) return undefined;
  const scaling = raw as Json;
  const type = scaling.rope_type ?? scaling.type;
  if (type === 'default') return undefined;
  if (type === 'linear') return { type: 'linear', factor: num(scaling, 'factor') };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: num(scaling, 'factor'),
      lowFreqFactor: num(scaling, 'low_freq_factor'),
      highFreqFactor: num(scaling, 'high_freq_factor'),
      originalMaxPositionEmbeddings: num(scaling, 'original_max_position_embeddings'),
    };
  }
  throw new Error(`rope_scaling type ${String(type)} is not supported (default, linear, llama3)`);
}

function int(json: Json, key: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`config.json: ${key} must be an integer (got ${String(value)})`);
  return value;
}

function num(json: Json, key: string): number {
  const value = json[key];
  if (typeof value !== 'number') throw new Error(`rope_scaling: ${key} must be a number (got ${String(value)})`);
  return value;
}

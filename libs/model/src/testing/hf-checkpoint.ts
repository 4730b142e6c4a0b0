/**
 * Writes a small random-weight Hugging Face checkpoint (config.json, safetensors, tokenizer.json,
 * tokenizer_config.json) in the Llama, Qwen2 or Mistral layout, so the HF loading path and the graph
 * can be checked against the reference forward without downloading anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINEAR_MODULES, linearWeightName, type ArchitectureKind } from '../config/decoder-config.js';
import { writeSafetensors, type SafetensorsDtype, type SafetensorsTensor } from '../weights/safetensors.js';
import { SeededRandom } from './random.js';
import { byteLevelTokenizer, sentencepieceTokenizer } from './tokenizer-json.js';

export interface RandomCheckpointOptions {
  architecture: ArchitectureKind;
  /** Stored dtype of the weights. @defaultValue 'F32' */
  dtype?: SafetensorsDtype;
  /** More than 1 writes model-0000k-of-0000n.safetensors and model.safetensors.index.json. @defaultValue 1 */
  shards?: number;
  /** @defaultValue true for llama/mistral, false for qwen2 (as Qwen2.5-7B) */
  tiedEmbeddings?: boolean;
  /** @defaultValue 1 */
  seed?: number;
  /** Mistral's sliding_window. */
  slidingWindow?: number;
  dim?: number;
  nLayers?: number;
  nHeads?: number;
  nKvHeads?: number;
  hiddenDim?: number;
  /** Embedding rows; at least the tokenizer's size. @defaultValue the tokenizer's size (+5 for qwen2, padded as Qwen does) */
  vocabSize?: number;
}

const HF_NAMES = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', mistral: 'MistralForCausalLM' } as const;

export function writeRandomHfCheckpoint(dir: string, opts: RandomCheckpointOptions): Record<string, unknown> {
  const { architecture, dtype = 'F32', shards = 1, seed = 1, dim = 32, nLayers = 2, nHeads = 4, nKvHeads = 2, hiddenDim = 48 } = opts;
  const tied = opts.tiedEmbeddings ?? architecture !== 'qwen2';
  const tokenizer = architecture === 'qwen2' ? byteLevelTokenizer() : sentencepieceTokenizer();
  // Qwen pads the embedding past the tokenizer (151936 rows for 151665 tokens); do the same
  const vocabSize = opts.vocabSize ?? (architecture === 'qwen2' ? tokenizer.vocabSize + 5 : tokenizer.vocabSize);
  if (vocabSize < tokenizer.vocabSize) throw new Error(`vocabSize must be at least the tokenizer's ${tokenizer.vocabSize} (got ${vocabSize})`);
  const headDim = dim / nHeads;
  const rng = new SeededRandom(seed);

  const tensors: SafetensorsTensor[] = [];
  const add = (name: string, shape: number[], std: number, mean = 0): void => {
    tensors.push({ name, shape, data: rng.normals(shape.reduce((a, b) => a * b, 1), std, mean) });
  };
  add('model.embed_tokens.weight', [vocabSize, dim], 1);
  for (let layer = 0; layer < nLayers; layer++) {
    add(`model.layers.${layer}.input_layernorm.weight`, [dim], 0.1, 1);
    add(`model.layers.${layer}.post_attention_layernorm.weight`, [dim], 0.1, 1);
    for (const module of LINEAR_MODULES) {
      const out = module === 'q' ? nHeads * headDim : module === 'k' || module === 'v' ? nKvHeads * headDim : module === 'o' || module === 'down' ? dim : hiddenDim;
      const inDim = module === 'o' ? nHeads * headDim : module === 'down' ? hiddenDim : dim;
      // larger than 1/√in so attention is peaked enough for RoPE and masking mistakes to show
      add(linearWeightName(layer, module), [out, inDim], 2 / Math.sqrt(inDim));
      if (architecture === 'qwen2' && (module === 'q' || module === 'k' || module === 'v')) add(linearWeightName(layer, module).replace(/weight$/, 'bias'), [out], 0.5);
    }
  }
  add('model.norm.weight', [dim], 0.1, 1);
  if (!tied) add('lm_head.weight', [vocabSize, dim], 1 / Math.sqrt(dim));

  mkdirSync(dir, { recursive: true });
  writeWeights(dir, tensors, dtype, shards);
  const config: Record<string, unknown> = {
    architectures: [HF_NAMES[architecture]],
    model_type: architecture,
    hidden_size: dim,
    intermediate_size: hiddenDim,
    num_hidden_layers: nLayers,
    num_attention_heads: nHeads,
    num_key_value_heads: nKvHeads,
    vocab_size: vocabSize,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-6,
    rope_theta: architecture === 'qwen2' ? 1000000 : 10000,
    hidden_act: 'silu',
    tie_word_embeddings: tied,
    bos_token_id: tokenizer.bosId ?? tokenizer.eosId,
    eos_token_id: tokenizer.eosId,
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype],
    ...(architecture === 'mistral' ? { sliding_window: opts.slidingWindow ?? null } : {}),
    ...(architecture === 'qwen2' ? { use_sliding_window: false } : {}),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.tokenizerJson));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizer.tokenizerConfig, null, 2));
  return config;
}

function writeWeights(dir: string, tensors: SafetensorsTensor[], dtype: SafetensorsDtype, shards: number): void {
  if (shards <= 1) {
    writeSafetensors(join(dir, 'model.safetensors'), tensors, dtype, { format: 'pt' });
    return;
  }
  const weightMap: Record<string, string> = {};
  for (let shard = 0; shard < shards; shard++) {
    const file = `model-${String(shard + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const mine = tensors.filter((_, i) => i % shards === shard);
    for (const t of mine) weightMap[t.name] = file;
    writeSafetensors(join(dir, file), mine, dtype, { format: 'pt' });
  }
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2));
}

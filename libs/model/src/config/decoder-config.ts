/**
 * The architecture-independent description of a Llama-family decoder: everything the graph
 * builder, the reference forward and the session need, and nothing about file formats.
 */

/** Which builder makes the graph; see builder/architectures.ts for the HF names that map here. */
export type ArchitectureKind = 'llama' | 'qwen2' | 'mistral';

/**
 * How RoPE pairs the dimensions of a head.
 * - `interleaved`: pairs (2i, 2i+1), as llama2.c (run.c) and Meta's original code rotate.
 * - `half`: pairs (i, i + headDim/2), HF's `rotate_half` (HF checkpoints permute q/k for this).
 */
export type RopeStyle = 'interleaved' | 'half';

/** HF `rope_scaling` variants we implement (they only change the inverse frequencies). */
export type RopeScaling =
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

export interface DecoderConfig {
  architecture: ArchitectureKind;
  vocabSize: number;
  /** Model width (HF `hidden_size`). */
  dim: number;
  nLayers: number;
  nHeads: number;
  /** Fewer than nHeads means grouped-query attention. */
  nKvHeads: number;
  headDim: number;
  /** MLP width (HF `intermediate_size`). */
  hiddenDim: number;
  normEps: number;
  ropeTheta: number;
  ropeStyle: RopeStyle;
  ropeScaling?: RopeScaling;
  /** Rotary tables are built for this many positions; a position beyond it is an error. */
  maxSeqLen: number;
  /** lm_head shares embed_tokens (there is no lm_head.weight). */
  tiedEmbeddings: boolean;
  /** q/k/v projections carry biases (Qwen2). */
  qkvBias: boolean;
  /** Mistral: a query sees at most this many most recent slots (itself included). */
  slidingWindow?: number;
  bosTokenId: number;
  eosTokenId: number | number[];
}

/** The linear modules a TinyLoRA site can sit on, in the paper's order. */
export const LINEAR_MODULES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LinearModule = (typeof LINEAR_MODULES)[number];

/** HF weight name of a linear module's weight [out, in] in a layer. */
export function linearWeightName(layer: number, module: LinearModule): string {
  const inAttn = module === 'q' || module === 'k' || module === 'v' || module === 'o';
  return `model.layers.${layer}.${inAttn ? 'self_attn' : 'mlp'}.${module}_proj.weight`;
}

/** [in, out] of a linear module, from the config alone. */
export function linearShape(config: DecoderConfig, module: LinearModule): { in: number; out: number } {
  const q = config.nHeads * config.headDim;
  const kv = config.nKvHeads * config.headDim;
  switch (module) {
    case 'q': return { in: config.dim, out: q };
    case 'k':
    case 'v': return { in: config.dim, out: kv };
    case 'o': return { in: q, out: config.dim };
    case 'gate':
    case 'up': return { in: config.dim, out: config.hiddenDim };
    case 'down': return { in: config.hiddenDim, out: config.dim };
  }
}

/** EOS ids as a list (HF configs give one id or several). */
export function eosIds(config: DecoderConfig): number[] {
  return Array.isArray(config.eosTokenId) ? [...config.eosTokenId] : [config.eosTokenId];
}

/** Throws on a config the builder cannot honour; the message names the field. */
export function validateDecoderConfig(config: DecoderConfig): void {
  const positive: (keyof DecoderConfig)[] = ['vocabSize', 'dim', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'hiddenDim', 'maxSeqLen'];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new Error(`${key} must be a positive integer (got ${String(value)})`);
    }
  }
  if (config.nHeads % config.nKvHeads !== 0) {
    throw new Error(`nHeads (${config.nHeads}) must be a multiple of nKvHeads (${config.nKvHeads})`);
  }
  if (config.headDim % 2 !== 0) throw new Error(`headDim must be even for RoPE (got ${config.headDim})`);
  if (!(config.normEps > 0)) throw new Error(`normEps must be greater than 0 (got ${config.normEps})`);
  if (!(config.ropeTheta > 0)) throw new Error(`ropeTheta must be greater than 0 (got ${config.ropeTheta})`);
}

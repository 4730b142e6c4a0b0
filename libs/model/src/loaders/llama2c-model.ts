/**
 * llama2.c legacy (v0) checkpoints: 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * vocab_size, seq_len), then float32 weights in run.c's order. A negative vocab_size means the
 * classifier is stored separately at the end; positive means it is the token embedding.
 * Tensors are views into one Float32Array of the file (no copies) under HF names.
 */
import { readFileSync } from 'node:fs';
import type { DecoderConfig } from '../config/decoder-config.js';
import { MapWeights } from '../weights/weights.js';

const HEADER_INTS = 7;
/** "ak42": the versioned llama2.c export (export.py --version 1/2), which we do not read. */
const VERSIONED_MAGIC = 0x616b3432;

export interface Llama2cCheckpoint {
  config: DecoderConfig;
  weights: MapWeights;
}

export function readLlama2cCheckpoint(path: string): Llama2cCheckpoint {
  const file = readFileSync(path);
  // Float32Array views need 4-byte alignment; small reads may come from Node's shared pool.
  const bytes = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
  const header = new Int32Array(bytes.buffer, bytes.byteOffset, HEADER_INTS);
  if (header[0] === VERSIONED_MAGIC) throw new Error(`${path}: versioned llama2.c export; only the legacy v0 format is supported`);
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, rawVocab, seqLen] = Array.from(header) as [number, number, number, number, number, number, number];
  const vocabSize = Math.abs(rawVocab);
  const headDim = dim / nHeads;
  const kvDim = nKvHeads * headDim;
  const config: DecoderConfig = {
    architecture: 'llama',
    vocabSize,
    dim,
    nLayers,
    nHeads,
    nKvHeads,
    headDim,
    hiddenDim,
    normEps: 1e-5, // run.c hard-codes it
    ropeTheta: 10000,
    ropeStyle: 'interleaved', // run.c rotates (2i, 2i+1) pairs
    maxSeqLen: seqLen,
    tiedEmbeddings: rawVocab > 0,
    qkvBias: false,
    bosTokenId: 1,
    eosTokenId: 2,
  };

  const floats = new Float32Array(bytes.buffer, bytes.byteOffset + HEADER_INTS * 4, (bytes.length - HEADER_INTS * 4) / 4);
  const weights = new MapWeights();
  let offset = 0;
  const take = (shape: number[]): Float32Array => {
    const count = shape.reduce((a, b) => a * b, 1);
    if (offset + count > floats.length) throw new Error(`${path}: file ends early (header says dim=${dim}, layers=${nLayers}, vocab=${vocabSize})`);
    const view = floats.subarray(offset, offset + count);
    offset += count;
    return view;
  };
  /** A stacked [L, ...shape] block of run.c split into per-layer tensors under an HF name. */
  const perLayer = (name: (layer: number) => string, shape: number[]): void => {
    for (let layer = 0; layer < nLayers; layer++) weights.set(name(layer), { data: take(shape), shape });
  };

  weights.set('model.embed_tokens.weight', { data: take([vocabSize, dim]), shape: [vocabSize, dim] });
  perLayer((i) => `model.layers.${i}.input_layernorm.weight`, [dim]);
  perLayer((i) => `model.layers.${i}.self_attn.q_proj.weight`, [dim, dim]);
  perLayer((i) => `model.layers.${i}.self_attn.k_proj.weight`, [kvDim, dim]);
  perLayer((i) => `model.layers.${i}.self_attn.v_proj.weight`, [kvDim, dim]);
  perLayer((i) => `model.layers.${i}.self_attn.o_proj.weight`, [dim, dim]);
  perLayer((i) => `model.layers.${i}.post_attention_layernorm.weight`, [dim]);
  perLayer((i) => `model.layers.${i}.mlp.gate_proj.weight`, [hiddenDim, dim]); // w1
  perLayer((i) => `model.layers.${i}.mlp.down_proj.weight`, [dim, hiddenDim]); // w2
  perLayer((i) => `model.layers.${i}.mlp.up_proj.weight`, [hiddenDim, dim]); // w3
  weights.set('model.norm.weight', { data: take([dim]), shape: [dim] });
  take([seqLen, headDim / 2]); // freq_cis_real: run.c recomputes RoPE, so do we
  take([seqLen, headDim / 2]); // freq_cis_imag
  if (!config.tiedEmbeddings) weights.set('lm_head.weight', { data: take([vocabSize, dim]), shape: [vocabSize, dim] });
  if (offset !== floats.length) throw new Error(`${path}: ${floats.length - offset} float32 values left after the last tensor`);
  return { config, weights };
}

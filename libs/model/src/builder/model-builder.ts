/**
 * Blocks, layer and model of the decoder graph (the upper layers of the make* vocabulary):
 *   makeEmbedding, makeRmsNorm, makeLinear (+ the adapter's delta), makeRotaryTables, makeRope,
 *   makeAttentionMask, makeAttention, makeMlp  →  makeLayer  →  makeModel.
 * The base class is the Llama architecture; subclasses (qwen2-builder.ts, mistral-builder.ts) change
 * attrs or override one block. Settings live in the *Attrs objects set up in the constructor.
 *
 * Graph I/O (B = batch_size, T = sequence_length, P = past_sequence_length, S = P + T):
 *   inputs   input_ids int64 [B,T] · attention_mask int64 [B,S] · position_ids int64 [B,T]
 *            past_key_values.{i}.key/value float32 [B,kvHeads,P,headDim] (P may be 0)
 *            logits_to_keep int64 [1] (0 = all positions) · the adapter's input float32 [B,rows,cols], named
 *            by its AdapterGraph (with an adapter)
 *   outputs  logits float32 [B,K,vocab] (K = logits_to_keep or T) · present.{i}.key/value [B,kvHeads,S,headDim]
 */
import { linearShape, linearWeightName, type DecoderConfig, type LinearModule } from '../config/decoder-config.js';
import { transpose2d, type Weights } from '../weights/weights.js';
import type { AdapterGraph, BranchOps } from './adapter-graph.js';
import type { BuildOptions } from './build-options.js';
import { GraphBuilder } from './graph-builder.js';
import { DataType, valueInfo, type Dim, type OnnxModelParts, type ValueInfoProto } from './onnx-model.js';
import { ropeInverseFrequencies } from './rope.js';

/** Bump when the graph changes: it is part of the graph-cache key. */
export const BUILDER_VERSION = '1';

/** What the builder reads from a loaded model. */
export interface BuilderModel {
  config: DecoderConfig;
  weights: Weights;
  hash?: string;
}

const B = 'batch_size';
const T = 'sequence_length';
const P = 'past_sequence_length';
const S = 'total_sequence_length';
const K = 'logits_length';
const FLOAT = DataType.FLOAT;
const INT64 = DataType.INT64;
const ATTENTION_MODULES: readonly LinearModule[] = ['q', 'k', 'v', 'o'];

export class ModelBuilder extends GraphBuilder {
  protected readonly config: DecoderConfig;
  protected readonly weights: Weights;
  protected readonly modelHash: string;
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];

  /** Graph-wide settings. */
  protected readonly graphAttrs = {
    opset: 18, // Split num_outputs and ReduceMean's axes input need opset 18
    maskValue: -3.4028234663852886e38, // float32 min, finite: a fully masked row (left padding) softmaxes to uniform, not NaN
  };

  protected readonly layernormAttrs: {
    eps: number; // added to mean(x²) before the square root
  };

  protected readonly attentionAttrs: {
    nHeads: number; // query heads
    nKvHeads: number; // key/value heads; fewer than nHeads is grouped-query attention
    headDim: number; // width of one head
    nRep: number; // query heads served by each KV head (1 = plain multi-head attention)
    scale: number; // scores = q·kᵀ · scale, 1/√headDim in every Llama-family model
    qkvBias: boolean; // q/k/v projections add a bias (Qwen2 always; Llama when attention_bias)
    slidingWindow: number | undefined; // a query sees only this many most recent slots (Mistral); undefined = all
  };

  protected readonly ropeAttrs: {
    style: 'interleaved' | 'half'; // which dimensions form a rotated pair: (2i, 2i+1) or (i, i + headDim/2)
    inverseFrequencies: Float32Array; // [headDim/2] angles per position, after rope_scaling
    maxSeqLen: number; // rows of the cos/sin tables; position_ids must stay below it
  };

  protected readonly lmHeadAttrs: {
    tied: boolean; // reuse embed_tokens [V,D] through Gemm(transB) instead of storing a second [D,V] copy
  };

  protected readonly adapterAttrs: {
    graph: AdapterGraph | undefined; // the adapter method's branches and input; undefined = none
    sites: Map<string, number>; // `${layer}/${module}` → index into graph.sites, looked up by makeLinear
  };

  constructor(model: BuilderModel, opts: BuildOptions = {}) {
    super();
    const { config } = model;
    this.config = config;
    this.weights = model.weights;
    this.modelHash = model.hash ?? '';
    this.layernormAttrs = { eps: config.normEps };
    this.attentionAttrs = {
      nHeads: config.nHeads,
      nKvHeads: config.nKvHeads,
      headDim: config.headDim,
      nRep: config.nHeads / config.nKvHeads,
      scale: 1 / Math.sqrt(config.headDim),
      qkvBias: config.qkvBias,
      slidingWindow: undefined,
    };
    this.ropeAttrs = {
      style: config.ropeStyle,
      inverseFrequencies: ropeInverseFrequencies(config.headDim, config.ropeTheta, config.ropeScaling),
      maxSeqLen: config.maxSeqLen,
    };
    this.lmHeadAttrs = { tied: config.tiedEmbeddings };
    const graph = opts.adapter;
    graph?.validate(config);
    this.adapterAttrs = { graph, sites: new Map((graph?.sites ?? []).map((s, i) => [`${s.layer}/${s.module}`, i])) };
  }

  // ── model ─────────────────────────────────────────────────────────────────────────────────

  /**
   *  input_ids ─ embed_tokens ─ layers.0 ─ … ─ layers.{L−1} ─ keep last K ─ norm ─ lm_head ─▶ logits
   *                               │ layer i reads past_key_values.{i}.* and writes present.{i}.*
   */
  makeModel(): OnnxModelParts {
    const { dim, nLayers, vocabSize } = this.config;
    this.makeInputs();
    let x = this.makeEmbedding('input_ids');
    for (let layer = 0; layer < nLayers; layer++) x = this.makeLayer(layer, x);
    x = this.makeKeepLastPositions(x);
    x = this.makeRmsNorm('/model/norm', x, 'model.norm.weight', [B, K, dim]);
    this.makeLmHead(x);
    this.outputs.push(valueInfo('logits', FLOAT, [B, K, vocabSize]));
    for (let layer = 0; layer < nLayers; layer++) {
      for (const kind of ['key', 'value']) this.outputs.push(valueInfo(`present.${layer}.${kind}`, FLOAT, [B, this.config.nKvHeads, S, this.config.headDim]));
    }
    return {
      graphName: `tinysweep-${this.config.architecture}`,
      opset: this.graphAttrs.opset,
      nodes: this.nodes,
      initializers: [...this.initializers.values()],
      inputs: this.inputs,
      outputs: this.outputs,
      valueInfo: [...this.valueInfos.values()].filter((v) => !this.isGraphIo(v.name!)),
      metadata: {
        'tinysweep.builder_version': BUILDER_VERSION,
        'tinysweep.model_hash': this.modelHash,
        'tinysweep.adapter_key': this.adapterAttrs.graph?.key ?? '',
        'tinysweep.config': JSON.stringify(this.config),
      },
    };
  }

  protected makeInputs(): void {
    const { nLayers, nKvHeads, headDim } = this.config;
    const input = (name: string, dtype: typeof FLOAT | typeof INT64, shape: Dim[]): void => {
      this.inputs.push(valueInfo(name, dtype, shape));
      this.makeValue(name, dtype);
    };
    input('input_ids', INT64, [B, T]);
    input('attention_mask', INT64, [B, S]);
    input('position_ids', INT64, [B, T]);
    for (let layer = 0; layer < nLayers; layer++) {
      input(`past_key_values.${layer}.key`, FLOAT, [B, nKvHeads, P, headDim]);
      input(`past_key_values.${layer}.value`, FLOAT, [B, nKvHeads, P, headDim]);
    }
    input('logits_to_keep', INT64, [1]);
    const graph = this.adapterAttrs.graph;
    if (graph) input(graph.input.name, FLOAT, [B, graph.input.rows, graph.input.cols]);
  }

  private isGraphIo(name: string): boolean {
    return this.inputs.some((v) => v.name === name) || this.outputs.some((v) => v.name === name);
  }

  // ── layer ─────────────────────────────────────────────────────────────────────────────────

  /**
   *  x ─┬─ input_layernorm ─ attention ─┐
   *     └──────────────────────────── Add ─┬─ post_attention_layernorm ─ mlp ─┐
   *                                        └────────────────────────────── Add ─▶
   */
  protected makeLayer(layer: number, x: string): string {
    const p = `/model/layers.${layer}`;
    const shape = [B, T, this.config.dim];
    const h = this.makeRmsNorm(`${p}/input_layernorm`, x, `model.layers.${layer}.input_layernorm.weight`, shape);
    const attn = this.makeAttention(layer, h);
    const x1 = this.makeAdd(`${p}/attn_residual/Add`, x, attn, shape);
    const h1 = this.makeRmsNorm(`${p}/post_attention_layernorm`, x1, `model.layers.${layer}.post_attention_layernorm.weight`, shape);
    const mlp = this.makeMlp(layer, h1);
    return this.makeAdd(`${p}/mlp_residual/Add`, x1, mlp, shape);
  }

  // ── blocks ────────────────────────────────────────────────────────────────────────────────

  /** input_ids [B,T] ─ Gather(embed_tokens [V,D]) ─▶ [B,T,D] */
  protected makeEmbedding(ids: string): string {
    const { vocabSize, dim } = this.config;
    const table = this.makeInitializer('model.embed_tokens.weight', [vocabSize, dim], () => this.weight('model.embed_tokens.weight', [vocabSize, dim]));
    return this.makeGather('/model/embed_tokens/Gather', table, ids, 0, [B, T, dim]);
  }

  /**
   *  x ─┬─ Pow(2) ─ ReduceMean(last axis) ─ Add(eps) ─ Sqrt ─┐
   *     └─────────────────────────────────────────────── Div ─ Mul(weight) ─▶
   */
  protected makeRmsNorm(path: string, x: string, weightName: string, shape: Dim[]): string {
    const dim = this.config.dim;
    const weight = this.makeInitializer(weightName, [dim], () => this.weight(weightName, [dim]));
    const rowShape = [...shape.slice(0, -1), 1];
    const squared = this.makePow(`${path}/Pow`, x, this.floatScalar(2), shape);
    const mean = this.makeReduceMean(`${path}/ReduceMean`, squared, [-1], true, rowShape);
    const shifted = this.makeAdd(`${path}/Add`, mean, this.floatScalar(this.layernormAttrs.eps), rowShape);
    const rms = this.makeSqrt(`${path}/Sqrt`, shifted, rowShape);
    const normed = this.makeDiv(`${path}/Div`, x, rms, shape);
    return this.makeMul(`${path}/Mul`, normed, weight, shape);
  }

  /**
   *  x ─┬─ MatMul(Wᵀ [in,out]) ─ [Add(bias)] ─┐
   *     └─ [adapter delta] ────────────────── [Add] ─▶ [B,T,out]     (an adapted site: graph.makeDelta)
   */
  protected makeLinear(layer: number, module: LinearModule, x: string): string {
    const path = `/model/layers.${layer}/${ATTENTION_MODULES.includes(module) ? 'attn' : 'mlp'}/${module}_proj`;
    const { in: inDim, out } = linearShape(this.config, module);
    const shape = [B, T, out];
    const weightName = linearWeightName(layer, module);
    const weightT = this.makeInitializer(`${weightName}.T`, [inDim, out], () => transpose2d(this.weight(weightName, [out, inDim]), out, inDim));
    let y = this.makeMatMul(`${path}/MatMul`, x, weightT, shape);
    if (this.attentionAttrs.qkvBias && (module === 'q' || module === 'k' || module === 'v')) {
      const biasName = weightName.replace(/weight$/, 'bias');
      const bias = this.makeInitializer(biasName, [out], () => this.weight(biasName, [out]));
      y = this.makeAdd(`${path}/bias/Add`, y, bias, shape);
    }
    const site = this.adapterAttrs.sites.get(`${layer}/${module}`);
    const graph = this.adapterAttrs.graph;
    if (graph && site !== undefined) y = this.makeAdd(`${path}/${graph.method}/Add`, y, graph.makeDelta(this.branchOps(graph), site, path, x), shape);
    return y;
  }

  /** The make* vocabulary an {@link AdapterGraph} builds its branches with. */
  protected branchOps(graph: AdapterGraph): BranchOps {
    return {
      dims: { batch: B, seq: T },
      input: graph.input.name,
      initializer: (name, dims, data) => this.makeInitializer(name, dims, data),
      matMul: (name, a, b, shape) => this.makeMatMul(name, a, b, shape),
      mul: (name, a, b, shape) => this.makeMul(name, a, b, shape),
      reshape: (name, x, target, shape) => this.makeReshape(name, x, target, shape),
      transpose: (name, x, perm, shape) => this.makeTranspose(name, x, perm, shape),
      slice: (name, x, starts, ends, axes, shape) => this.makeSlice(name, x, this.int64(...starts), this.int64(...ends), axes, shape),
      gather: (name, data, index, axis, shape) => this.makeGather(name, data, this.int64Scalar(index), axis, shape),
      floatScalar: (value) => this.floatScalar(value),
    };
  }

  /**
   *  cos/sin tables [maxSeqLen, headDim/2] ─ Gather(position_ids) ─ Unsqueeze(head axis) ─▶ [B,1,T,headDim/2(,1)]
   *  Made once; every layer's makeRope reads the same two values.
   */
  protected makeRotaryTables(): { cos: string; sin: string } {
    const { inverseFrequencies, maxSeqLen, style } = this.ropeAttrs;
    const half = inverseFrequencies.length;
    const tables = (fn: (angle: number) => number) => (): Float32Array => {
      const out = new Float32Array(maxSeqLen * half);
      for (let pos = 0; pos < maxSeqLen; pos++) {
        for (let i = 0; i < half; i++) out[pos * half + i] = fn(Math.fround(pos * inverseFrequencies[i]!)); // angle rounded like float32 torch / run.c
      }
      return out;
    };
    // interleaved pairs sit on a trailing axis of size 2, so the tables need one more unit axis
    const axes = style === 'interleaved' ? [1, 4] : [1];
    const shape: Dim[] = style === 'interleaved' ? [B, 1, T, half, 1] : [B, 1, T, half];
    const result = { cos: '', sin: '' };
    for (const fn of ['cos', 'sin'] as const) {
      const table = this.makeInitializer(`/model/rotary/${fn}_table`, [maxSeqLen, half], tables(Math[fn]));
      const gathered = this.makeGather(`/model/rotary/${fn}/Gather`, table, 'position_ids', 0, [B, T, half]);
      result[fn] = this.makeUnsqueeze(`/model/rotary/${fn}/Unsqueeze`, gathered, axes, shape);
    }
    return result;
  }

  /**
   *  half:         x ─ Split(last, 2) ─ (x1, x2) ─ rotate ─ Concat(last) ─▶
   *  interleaved:  x ─ Reshape [..,hd/2,2] ─ Split(last, 2) ─ (x_even, x_odd) ─ rotate ─ Concat(last) ─ Reshape [..,hd] ─▶
   *  x is [B,heads,T,headDim].
   */
  protected makeRope(path: string, x: string, heads: number): string {
    const { headDim } = this.attentionAttrs;
    const half = headDim / 2;
    const { cos, sin } = this.makeRotaryTables();
    if (this.ropeAttrs.style === 'half') {
      const pairShape = [B, heads, T, half];
      const [a, b] = this.makeSplit(`${path}/Split`, x, -1, 2, pairShape) as [string, string];
      const [a2, b2] = this.makeRotatePairs(path, a, b, cos, sin, pairShape);
      return this.makeConcat(`${path}/Concat`, [a2, b2], -1, [B, heads, T, headDim]);
    }
    const pairShape = [B, heads, T, half, 1];
    const pairs = this.makeReshape(`${path}/pairs/Reshape`, x, [0, 0, 0, half, 2], [B, heads, T, half, 2]);
    const [a, b] = this.makeSplit(`${path}/Split`, pairs, -1, 2, pairShape) as [string, string];
    const [a2, b2] = this.makeRotatePairs(path, a, b, cos, sin, pairShape);
    const joined = this.makeConcat(`${path}/Concat`, [a2, b2], -1, [B, heads, T, half, 2]);
    return this.makeReshape(`${path}/Reshape`, joined, [0, 0, 0, headDim], [B, heads, T, headDim]);
  }

  /**
   *  a' = a·cos − b·sin
   *  b' = b·cos + a·sin
   */
  protected makeRotatePairs(path: string, a: string, b: string, cos: string, sin: string, shape: Dim[]): [string, string] {
    const aCos = this.makeMul(`${path}/a_cos/Mul`, a, cos, shape);
    const bSin = this.makeMul(`${path}/b_sin/Mul`, b, sin, shape);
    const bCos = this.makeMul(`${path}/b_cos/Mul`, b, cos, shape);
    const aSin = this.makeMul(`${path}/a_sin/Mul`, a, sin, shape);
    return [this.makeSub(`${path}/a/Sub`, aCos, bSin, shape), this.makeAdd(`${path}/b/Add`, bCos, aSin, shape)];
  }

  /**
   *  attention_mask [B,S] ─ Cast(bool) ─ Unsqueeze ──────────────────────────────── [B,1,1,S] ─┐
   *  Range(0,S) ─ Unsqueeze [1,S] ─┐                                                           And ─ Where(0, min) ─▶ bias [B,1,T,S]
   *  Range(S−T,S) ─ Unsqueeze [T,1] ─ makeAllowedKeys (key slot ≤ query slot, …) ─ [T,S] ─────┘
   *  Slots, not position_ids, decide causality: with left padding and a KV cache the two differ.
   *  Made once; every layer adds the same bias.
   */
  protected makeAttentionMask(): string {
    const p = '/model/attn_mask';
    const T1 = this.makeGather(`${p}/T/Gather`, this.makeShape(`${p}/ids/Shape`, 'input_ids', [2]), this.int64Scalar(1), 0, []);
    const S1 = this.makeGather(`${p}/S/Gather`, this.makeShape(`${p}/mask/Shape`, 'attention_mask', [2]), this.int64Scalar(1), 0, []);
    const P1 = this.makeSub(`${p}/P/Sub`, S1, T1, []);
    const one = this.int64Scalar(1);
    const keySlots = this.makeUnsqueeze(`${p}/keys/Unsqueeze`, this.makeRange(`${p}/keys/Range`, this.int64Scalar(0), S1, one, [S]), [0], [1, S]);
    const querySlots = this.makeUnsqueeze(`${p}/queries/Unsqueeze`, this.makeRange(`${p}/queries/Range`, P1, S1, one, [T]), [1], [T, 1]);
    const allowedKeys = this.makeAllowedKeys(p, keySlots, querySlots);
    const padding = this.makeCast(`${p}/padding/Cast`, 'attention_mask', DataType.BOOL, [B, S]);
    const notPadding = this.makeUnsqueeze(`${p}/padding/Unsqueeze`, padding, [1, 2], [B, 1, 1, S]);
    const allowed = this.makeAnd(`${p}/And`, allowedKeys, notPadding, [B, 1, T, S]);
    return this.makeWhere(`${p}/Where`, allowed, this.floatScalar(0), this.floatScalar(this.graphAttrs.maskValue), [B, 1, T, S]);
  }

  /** Which key slots [1,S] each query slot [T,1] may see: causal, key ≤ query. → bool [T,S] */
  protected makeAllowedKeys(path: string, keySlots: string, querySlots: string): string {
    return this.makeLessOrEqual(`${path}/causal/LessOrEqual`, keySlots, querySlots, [T, S]);
  }

  /**
   *  x ─┬─ q_proj ─ heads [B,H,T,hd] ─ RoPE ──────────────────────────────────────── q ─┐
   *     ├─ k_proj ─ heads [B,kvH,T,hd] ─ RoPE ─ Concat(past key) ─▶ present.key ─ Transpose ─ MatMul ─ ·scale ─ +mask ─ Softmax ─┐
   *     └─ v_proj ─ heads [B,kvH,T,hd] ─────── Concat(past value) ─▶ present.value ─────────────────────────────────────── MatMul ─ merge heads ─ o_proj ─▶
   *  GQA: q is regrouped to [B,kvH,nRep·T,hd], so each KV head serves its nRep query heads
   *  (HF's repeat_kv order: query head h uses KV head ⌊h/nRep⌋) without copying K or V.
   */
  protected makeAttention(layer: number, x: string): string {
    const p = `/model/layers.${layer}/attn`;
    const { nHeads: H, nKvHeads: KV, headDim: hd, nRep, scale } = this.attentionAttrs;
    const q = this.makeRope(`${p}/q_rotary`, this.makeHeads(`${p}/q`, this.makeLinear(layer, 'q', x), H), H);
    const k = this.makeRope(`${p}/k_rotary`, this.makeHeads(`${p}/k`, this.makeLinear(layer, 'k', x), KV), KV);
    const v = this.makeHeads(`${p}/v`, this.makeLinear(layer, 'v', x), KV);
    const [key] = this.makeNode('Concat', [`past_key_values.${layer}.key`, k], `${p}/key_cache/Concat`, { axis: 2 }, [`present.${layer}.key`]);
    const [value] = this.makeNode('Concat', [`past_key_values.${layer}.value`, v], `${p}/value_cache/Concat`, { axis: 2 }, [`present.${layer}.value`]);
    this.makeValue(key!, FLOAT);
    this.makeValue(value!, FLOAT);

    const grouped = nRep > 1;
    const qg = grouped ? this.makeReshape(`${p}/q_grouped/Reshape`, q, [0, KV, -1, hd]) : q; // [B,kvH,nRep·T,hd]
    const keyT = this.makeTranspose(`${p}/key/Transpose`, key!, [0, 1, 3, 2], [B, KV, hd, S]);
    let scores = this.makeMatMul(`${p}/scores/MatMul`, qg, keyT);
    scores = this.makeMul(`${p}/scores/Mul`, scores, this.floatScalar(scale));
    if (grouped) scores = this.makeReshape(`${p}/scores/Reshape`, scores, [0, H, -1, 0], [B, H, T, S]);
    scores = this.makeAdd(`${p}/mask/Add`, scores, this.makeAttentionMask(), [B, H, T, S]);
    let probs = this.makeSoftmax(`${p}/Softmax`, scores, -1, [B, H, T, S]);
    if (grouped) probs = this.makeReshape(`${p}/probs/Reshape`, probs, [0, KV, -1, 0]);
    let context = this.makeMatMul(`${p}/context/MatMul`, probs, value!);
    if (grouped) context = this.makeReshape(`${p}/context/Reshape`, context, [0, H, -1, hd], [B, H, T, hd]);
    const merged = this.makeTranspose(`${p}/context/Transpose`, context, [0, 2, 1, 3], [B, T, H, hd]);
    const flat = this.makeReshape(`${p}/merge_heads/Reshape`, merged, [0, 0, H * hd], [B, T, H * hd]);
    return this.makeLinear(layer, 'o', flat);
  }

  /** [B,T,heads·hd] ─ Reshape [B,T,heads,hd] ─ Transpose ─▶ [B,heads,T,hd] */
  protected makeHeads(path: string, x: string, heads: number): string {
    const hd = this.attentionAttrs.headDim;
    const split = this.makeReshape(`${path}/Reshape`, x, [0, 0, heads, hd], [B, T, heads, hd]);
    return this.makeTranspose(`${path}/Transpose`, split, [0, 2, 1, 3], [B, heads, T, hd]);
  }

  /**
   *  x ─┬─ gate_proj ─┬─ Sigmoid ─┐
   *     │             └────────── Mul (SiLU) ─┐
   *     └─ up_proj ───────────────────────── Mul ─ down_proj ─▶
   */
  protected makeMlp(layer: number, x: string): string {
    const p = `/model/layers.${layer}/mlp`;
    const shape = [B, T, this.config.hiddenDim];
    const gate = this.makeLinear(layer, 'gate', x);
    const silu = this.makeMul(`${p}/act/Mul`, gate, this.makeSigmoid(`${p}/act/Sigmoid`, gate, shape), shape);
    const hidden = this.makeMul(`${p}/Mul`, silu, this.makeLinear(layer, 'up', x), shape);
    return this.makeLinear(layer, 'down', hidden);
  }

  /** x [B,T,D] ─ Slice(axis 1, from −logits_to_keep) ─▶ [B,K,D]; logits_to_keep = 0 keeps all (−0 = 0). */
  protected makeKeepLastPositions(x: string): string {
    const p = '/model/logits_to_keep';
    const starts = this.makeNeg(`${p}/Neg`, 'logits_to_keep', [1]);
    return this.makeSlice(`${p}/Slice`, x, starts, this.int64(Number.MAX_SAFE_INTEGER), [1], [B, K, this.config.dim]);
  }

  /**
   *  tied:    x [B,K,D] ─ Reshape [B·K,D] ─ Gemm(embed_tokens [V,D], transB) ─ Reshape [B,K,V] ─▶ logits
   *  untied:  x [B,K,D] ─ MatMul(lm_headᵀ [D,V]) ─▶ logits
   */
  protected makeLmHead(x: string): string {
    const p = '/model/lm_head';
    const { vocabSize: V, dim: D } = this.config;
    let logits: string;
    if (this.lmHeadAttrs.tied) {
      const table = this.makeInitializer('model.embed_tokens.weight', [V, D], () => this.weight('model.embed_tokens.weight', [V, D]));
      const rows = this.makeReshape(`${p}/rows/Reshape`, x, [-1, D], ['batch_x_logits_length', D]);
      const flat = this.makeGemm(`${p}/Gemm`, rows, table, true, ['batch_x_logits_length', V]);
      const leading = this.makeNode('Shape', [x], `${p}/Shape`, { start: 0, end: 2 })[0]!;
      this.makeValue(leading, INT64, [2]);
      const target = this.makeConcat(`${p}/target/Concat`, [leading, this.int64(V)], 0, [3]);
      logits = this.makeReshape(`${p}/Reshape`, flat, target, [B, K, V]);
    } else {
      const weightT = this.makeInitializer('lm_head.weight.T', [D, V], () => transpose2d(this.weight('lm_head.weight', [V, D]), V, D));
      logits = this.makeMatMul(`${p}/MatMul`, x, weightT, [B, K, V]);
    }
    return this.makeIdentity(`${p}/Identity`, logits, 'logits');
  }

  /** A weight, checked against the shape the config implies (catches layout mistakes early). */
  protected weight(name: string, shape: number[]): Float32Array {
    const tensor = this.weights.get(name);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${name} is [${tensor.shape.join(', ')}], the config implies [${shape.join(', ')}]`);
    }
    return tensor.data;
  }
}

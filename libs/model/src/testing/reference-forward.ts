/**
 * A deliberately plain decoder forward in TypeScript (float64 sums, one sequence, positions 0..T−1),
 * written from the math rather than from the graph builder, so tests can check the ONNX graph against it:
 *
 *   x = embed[ids];  per layer: x += o_proj(attn(rope(q), rope(k), v));  x += down(silu(gate(h)) · up(h))
 *   logits = lm_head(rmsnorm(x))
 */
import type { DecoderConfig } from '../config/decoder-config.js';
import type { Weights } from '../weights/weights.js';

/** logits [T, vocab] for `ids` as one causal sequence. */
export function referenceForward(config: DecoderConfig, weights: Weights, ids: number[]): Float32Array {
  const { dim, nLayers, nHeads, nKvHeads, headDim, vocabSize } = config;
  const w = (name: string): Float32Array => weights.get(name).data;
  const embed = w('model.embed_tokens.weight');
  let x: Float64Array[] = ids.map((id) => Float64Array.from(embed.subarray(id * dim, (id + 1) * dim)));

  for (let layer = 0; layer < nLayers; layer++) {
    const p = `model.layers.${layer}`;
    const bias = (m: string): Float32Array | undefined => (config.qkvBias ? w(`${p}.self_attn.${m}_proj.bias`) : undefined);
    const h = x.map((row) => rmsNorm(row, w(`${p}.input_layernorm.weight`), config.normEps));
    const q = h.map((row, pos) => rope(linear(row, w(`${p}.self_attn.q_proj.weight`), bias('q')), nHeads, pos, config));
    const k = h.map((row, pos) => rope(linear(row, w(`${p}.self_attn.k_proj.weight`), bias('k')), nKvHeads, pos, config));
    const v = h.map((row) => linear(row, w(`${p}.self_attn.v_proj.weight`), bias('v')));

    const attnOut = q.map((qt, t) => {
      const context = new Float64Array(nHeads * headDim);
      for (let head = 0; head < nHeads; head++) {
        const kvHead = Math.floor(head / (nHeads / nKvHeads)); // GQA: HF's repeat_kv order
        const first = config.slidingWindow === undefined ? 0 : Math.max(0, t - config.slidingWindow + 1);
        const scores: number[] = [];
        for (let s = first; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < headDim; i++) dot += qt[head * headDim + i]! * k[s]![kvHead * headDim + i]!;
          scores.push(dot / Math.sqrt(headDim));
        }
        const probs = softmax(scores);
        probs.forEach((prob, j) => {
          for (let i = 0; i < headDim; i++) context[head * headDim + i]! += prob * v[first + j]![kvHead * headDim + i]!;
        });
      }
      return linear(context, w(`${p}.self_attn.o_proj.weight`));
    });
    x = x.map((row, t) => add(row, attnOut[t]!));

    const h2 = x.map((row) => rmsNorm(row, w(`${p}.post_attention_layernorm.weight`), config.normEps));
    const mlpOut = h2.map((row) => {
      const gate = linear(row, w(`${p}.mlp.gate_proj.weight`));
      const up = linear(row, w(`${p}.mlp.up_proj.weight`));
      const hidden = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      return linear(hidden, w(`${p}.mlp.down_proj.weight`));
    });
    x = x.map((row, t) => add(row, mlpOut[t]!));
  }

  const head = config.tiedEmbeddings ? embed : w('lm_head.weight');
  const logits = new Float32Array(ids.length * vocabSize);
  x.forEach((row, t) => logits.set(linear(rmsNorm(row, w('model.norm.weight'), config.normEps), head), t * vocabSize));
  return logits;
}

/** y = W x (+ b), W [out, in] row-major as torch.nn.Linear stores it. */
function linear(x: Float64Array, W: Float32Array, b?: Float32Array): Float64Array {
  const out = new Float64Array(W.length / x.length);
  for (let o = 0; o < out.length; o++) {
    let sum = b ? b[o]! : 0;
    for (let i = 0; i < x.length; i++) sum += W[o * x.length + i]! * x[i]!;
    out[o] = sum;
  }
  return out;
}

function rmsNorm(x: Float64Array, weight: Float32Array, eps: number): Float64Array {
  let ss = 0;
  for (const value of x) ss += value * value;
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((value, i) => value * scale * weight[i]!);
}

/** Rotates each head's pairs by pos·θ_i, θ_i = base^(−2i/headDim): (2i, 2i+1) interleaved, (i, i+hd/2) half. */
function rope(x: Float64Array, heads: number, pos: number, config: DecoderConfig): Float64Array {
  const { headDim, ropeTheta, ropeStyle } = config;
  const half = headDim / 2;
  const out = Float64Array.from(x);
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < half; i++) {
      const angle = pos * ropeTheta ** (-(2 * i) / headDim);
      const [ia, ib] = ropeStyle === 'interleaved' ? [2 * i, 2 * i + 1] : [i, i + half];
      const a = x[head * headDim + ia]!;
      const b = x[head * headDim + ib]!;
      out[head * headDim + ia] = a * Math.cos(angle) - b * Math.sin(angle);
      out[head * headDim + ib] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
  return out;
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value + b[i]!);
}

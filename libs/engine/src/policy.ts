/**
 * What the training loop needs from a model and its tokenizer — the seams libs/model fills
 * (its DecoderSession and tokenizers satisfy these structurally; nothing here imports it), so the
 * engine's batching and scoring are testable without a model.
 *
 * The adapter travels as a graph input with a batch dimension: every row of a batch can carry a
 * different v, so an ES population × a batch of prompts is one batched forward pass.
 *
 * Wiring libs/model (its session names the generation `greedy`, and its tokenizers add BOS unless told not to):
 *
 *   const policy: Policy = { generate: (p, o) => session.greedy(p, o), logprobs: (c, x, v) => session.logprobs(c, x, v) };
 *   const codec: TextCodec = { encode: (t) => tokenizer.encode(t, { bos: false }), decode: (ids) => tokenizer.decode(ids) };
 *   rewardObjective({ policy, codec, bosId: tokenizer.bosId, … });
 */

/** Options of one batched greedy generation. */
export interface GenerateOptions {
  /** Tokens generated per row at most. */
  maxNewTokens: number;
  /**
   * One adapter vector per row, row-major `[B, groups, u]` (B = prompts.length, groups × u = dim),
   * float32. Absent: the base model (v = 0).
   */
  adapterV?: Float32Array;
  /** A row stops after producing any of these ids (e.g. EOS). */
  stopIds?: number[];
}

/** Options of one batched sampled generation (a policy that can sample: the torch device). */
export interface SampleOptions extends GenerateOptions {
  /** Softmax temperature, > 0. */
  temperature: number;
  /** Seeds the sampler: the same seed, rows and adapter give the same tokens on one device. */
  seed: number;
}

/**
 * The gradient a policy that has autograd computes (the torch device), for ONE adapter v shared by
 * every row:  ∇_v J  with  J(v) = Σ_b weights[b] · Σ_t log p_v(cont[b][t] | ctx[b], cont[b][<t])
 *                               − Σ_b klWeights[b] · Σ_t k3_bt,
 * k3 = exp(ref − lp) − (ref − lp) − 1 the per-token KL(p_v ‖ p_base) estimate against the base model
 * (v = 0). GRPO sets weights to advantages / (G·|o|); SFT to 1 / (B·|y|).
 */
export interface GradientRequest {
  contexts: number[][];
  continuations: number[][];
  /** [B] */
  weights: number[];
  /** [B]; absent or all 0: no KL term (and no reference pass). */
  klWeights?: number[];
  /** [groups·u] */
  v: Float32Array;
}

/** What {@link Policy.gradient} returns. */
export interface GradientResult {
  /** ∇_v J, [groups·u]. */
  grad: Float32Array;
  /** Σ_t log p per row under v, [B]. */
  logprobs: number[];
  /** Σ_t k3 per row, [B] (zeros without a KL term). */
  kl: number[];
}

/** A model the engine can train an adapter for. libs/model's DecoderSession will satisfy it. */
export interface Policy {
  /**
   * Greedy continuation of each prompt: for row b, the new ids only (not the prompt), ending at
   * `maxNewTokens` or at the first stop id (which may be included as the last id; callers drop it).
   */
  generate(prompts: number[][], opts: GenerateOptions): Promise<number[][]>;
  /**
   * For row b, Σ log p(continuations[b][t] | contexts[b], continuations[b][<t]) in nats, under the
   * adapter row b of `adapterV` (`[B, groups, u]`; absent: the base model).
   */
  logprobs(contexts: number[][], continuations: number[][], adapterV?: Float32Array): Promise<number[]>;
  /**
   * Like generate but sampled at a temperature, seeded; the stop id that ended a row IS included
   * (the gradient needs log p of stopping). Absent on a policy that cannot sample (ONNX Runtime).
   */
  sample?(prompts: number[][], opts: SampleOptions): Promise<number[][]>;
  /** ∇_v of the weighted log-likelihood (see {@link GradientRequest}). Absent without autograd (ONNX Runtime). */
  gradient?(req: GradientRequest): Promise<GradientResult>;
}

/** A tokenizer as the engine uses it: plain text ↔ ids, no special tokens added by `encode`. */
export interface TextCodec {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

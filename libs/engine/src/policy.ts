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
}

/** A tokenizer as the engine uses it: plain text ↔ ids, no special tokens added by `encode`. */
export interface TextCodec {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

import type * as ort from 'onnxruntime-node';

/** The attention state after a forward: feed it back as `past` to continue the same rows. */
export interface KvCache {
  batch: number;
  /** Slots held (past + new tokens so far). */
  length: number;
  /** attention_mask of those slots, [batch, length] (0 = padding): the next forward extends it. */
  mask: BigInt64Array;
  /** Per layer, [batch, kvHeads, length, headDim]. */
  keys: ort.Tensor[];
  values: ort.Tensor[];
}

/** Helpers for batches of token rows: left padding, masks, positions, argmax, log-softmax. */

/** Rows of ids as a flat int64 matrix with its dims. */
export interface Int64Matrix {
  data: BigInt64Array;
  dims: [number, number];
}

export type Int64Batch = number[][] | Int64Matrix;

export function toInt64Matrix(batch: Int64Batch): Int64Matrix {
  if (!Array.isArray(batch)) {
    if (batch.data.length !== batch.dims[0] * batch.dims[1]) throw new Error(`int64 batch has ${batch.data.length} values for dims [${batch.dims.join(', ')}]`);
    return batch;
  }
  const rows = batch.length;
  const cols = batch[0]?.length ?? 0;
  const data = new BigInt64Array(rows * cols);
  batch.forEach((row, r) => {
    if (row.length !== cols) throw new Error(`row ${r} has ${row.length} ids, row 0 has ${cols}: pad rows to one length`);
    row.forEach((id, c) => (data[r * cols + c] = BigInt(id)));
  });
  return { data, dims: [rows, cols] };
}

/** Right-aligns rows of unequal length: ids [B,L] padded on the left with `padId`, mask 0 on the padding. */
export function leftPad(rows: number[][], padId = 0): { ids: Int64Matrix; mask: Int64Matrix } {
  const length = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * length).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, r) => {
    const offset = r * length + (length - row.length);
    row.forEach((id, i) => {
      ids[offset + i] = BigInt(id);
      mask[offset + i] = 1n;
    });
  });
  return { ids: { data: ids, dims: [rows.length, length] }, mask: { data: mask, dims: [rows.length, length] } };
}

/**
 * Positions of the last `newTokens` slots of a full mask [B,S]: the count of real tokens before each
 * slot (HF: cumsum(mask) − 1), so a left-padded row starts at 0 like an unpadded one. Padding gets 0.
 */
export function positionIdsFromMask(mask: BigInt64Array, batch: number, newTokens: number): BigInt64Array {
  const total = mask.length / batch;
  const out = new BigInt64Array(batch * newTokens);
  for (let b = 0; b < batch; b++) {
    let seen = 0n;
    for (let s = 0; s < total; s++) {
      const real = mask[b * total + s]! !== 0n;
      if (real) seen += 1n;
      const t = s - (total - newTokens);
      if (t >= 0) out[b * newTokens + t] = real ? seen - 1n : 0n;
    }
  }
  return out;
}

/** Index of the largest value in data[offset, offset+length) (first one on ties, like run.c). */
export function argmax(data: Float32Array, offset: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = data[offset + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** log softmax(data[offset, offset+length))[index], in float64. */
export function logSoftmaxAt(data: Float32Array, offset: number, length: number, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, data[offset + i]!);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(data[offset + i]! - max);
  return data[offset + index]! - max - Math.log(sum);
}

/** Row ranges [start, end) of at most `size` rows. */
export function chunks(total: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += size) out.push([start, Math.min(total, start + size)]);
  return out;
}

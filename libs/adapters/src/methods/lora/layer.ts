/**
 * LoRA's graph branch: A and B sliced out of the trainable input, per batch row.
 */
import type { BranchOps, DecoderConfig, LinearModule } from '@tinysweep/model';
import type { SessionAdapter } from '../../session-adapter.js';

/** One adapted projection and where its A, B sit in the trainable vector. */
export interface LoraSite {
  layer: number;
  module: LinearModule;
  in: number;
  out: number;
  /** Offset of A [r, in] (row-major); B [out, r] follows it. */
  offset: number;
}

/** The graph input: the whole trainable vector [B, 1, n]. */
export const LORA_INPUT = 'lora_AB';

/**
 *  lora_AB [B,1,n] ─ Slice(A) ─ Reshape [B,r,in] ─ Transpose ─ Aᵀ [B,in,r] ─┐
 *  x [B,T,in] ─────────────────────────────────────────────────────── MatMul ─ [B,T,r] ─┐
 *  lora_AB [B,1,n] ─ Slice(B) ─ Reshape [B,out,r] ─ Transpose ─ Bᵀ [B,r,out] ──────── MatMul ─ Mul(α/r) ─▶ [B,T,out]
 */
export function loraGraph(key: string, rank: number, scale: number, dim: number, sites: readonly LoraSite[]): SessionAdapter {
  const r = rank;
  return {
    method: 'lora',
    key,
    input: { name: LORA_INPUT, rows: 1, cols: dim },
    sites,
    makeDelta(ops: BranchOps, index: number, path: string, x: string): string {
      const s = sites[index]!;
      const { batch: B, seq: T } = ops.dims;
      const p = `${path}/lora`;
      const aEnd = s.offset + r * s.in;
      const aFlat = ops.slice(`${p}/A/Slice`, ops.input, [s.offset], [aEnd], [2], [B, 1, r * s.in]);
      const A = ops.reshape(`${p}/A/Reshape`, aFlat, [-1, r, s.in], [B, r, s.in]);
      const AT = ops.transpose(`${p}/A/Transpose`, A, [0, 2, 1], [B, s.in, r]);
      const bFlat = ops.slice(`${p}/B/Slice`, ops.input, [aEnd], [aEnd + s.out * r], [2], [B, 1, s.out * r]);
      const Bm = ops.reshape(`${p}/B/Reshape`, bFlat, [-1, s.out, r], [B, s.out, r]);
      const BT = ops.transpose(`${p}/B/Transpose`, Bm, [0, 2, 1], [B, r, s.out]);
      const xA = ops.matMul(`${p}/A/MatMul`, x, AT, [B, T, r]);
      const xAB = ops.matMul(`${p}/B/MatMul`, xA, BT, [B, T, s.out]);
      return ops.mul(`${p}/scale/Mul`, xAB, ops.floatScalar(scale), [B, T, s.out]);
    },
    loraForm: () => ({ rank: r, scale, sites }),
    validate(config: DecoderConfig) {
      for (const s of sites) {
        if (s.layer >= config.nLayers) throw new Error(`lora site (layer ${s.layer}, ${s.module}): past the model's last block`);
        if (s.offset + r * (s.in + s.out) > dim) throw new Error(`lora site (layer ${s.layer}, ${s.module}): its A and B run past the trainable vector (${dim})`);
      }
    },
  };
}

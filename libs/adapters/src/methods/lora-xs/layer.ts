/**
 * LoRA-XS's graph branch: TinyLoRA's with R read straight from the trainable input.
 */
import type { BranchOps, DecoderConfig, LinearModule } from '@tinysweep/model';
import type { SessionAdapter } from '../../session-adapter.js';
import type { AdapterPlan } from '../tinylora/plan.js';

/** One adapted projection: its frozen SVD branch. */
export interface LoraXsSite {
  layer: number;
  module: LinearModule;
  in: number;
  out: number;
  /** V [in, r], row-major. */
  down: Float32Array;
  /** Σ Uᵀ [r, out], row-major. */
  up: Float32Array;
}

/** The graph input: one R [r, r] per site, row-major, per batch row. */
export const LORA_XS_INPUT = 'loraxs_R';

/**
 *  x [B,T,in] ─ MatMul(down [in,r]) ──────────────────────────────────────── [B,T,r] ─┐
 *  loraxs_R [B,S,r·r] ─ Gather(site, axis 1) ─ Reshape [B,r,r] ─ Transpose ─ Rᵀ ─ MatMul ─ MatMul(up [r,out]) ─▶ [B,T,out]
 */
export function loraXsGraph(key: string, rank: number, sites: readonly LoraXsSite[]): SessionAdapter {
  const r = rank;
  return {
    method: 'lora-xs',
    key,
    input: { name: LORA_XS_INPUT, rows: sites.length, cols: r * r },
    sites,
    makeDelta(ops: BranchOps, index: number, path: string, x: string): string {
      const site = sites[index]!;
      const { batch: B, seq: T } = ops.dims;
      const p = `${path}/lora-xs`;
      const down = ops.initializer(`${p}/down`, [site.in, r], () => site.down);
      const up = ops.initializer(`${p}/up`, [r, site.out], () => site.up);
      const row = ops.gather(`${p}/R/Gather`, ops.input, index, 1, [B, r * r]);
      const R = ops.reshape(`${p}/R/Reshape`, row, [-1, r, r], [B, r, r]);
      const RT = ops.transpose(`${p}/R/Transpose`, R, [0, 2, 1], [B, r, r]);
      const xDown = ops.matMul(`${p}/down/MatMul`, x, down, [B, T, r]);
      const xMixed = ops.matMul(`${p}/mix/MatMul`, xDown, RT, [B, T, r]);
      return ops.matMul(`${p}/up/MatMul`, xMixed, up, [B, T, site.out]);
    },
    // R = (1/√u) Σᵢ vᵢ Pᵢ with u = r², Pᵢ = r·Eᵢ (Eᵢ the i-th unit r×r matrix) and one group per site
    // is R = v_site reshaped: LoRA-XS is TinyLoRA with a basis for P and no tying.
    tinyLoraForm(): AdapterPlan {
      const u = r * r;
      const P = new Float32Array(u * u);
      for (let i = 0; i < u; i++) P[i * u + i] = r;
      return { rank: r, u, groups: sites.length, key, sites: sites.map((s, group) => ({ layer: s.layer, module: s.module, group, down: s.down, up: s.up, P })) };
    },
    validate(config: DecoderConfig) {
      for (const s of sites) {
        if (s.layer >= config.nLayers) throw new Error(`lora-xs site (layer ${s.layer}, ${s.module}): past the model's last block`);
        if (s.down.length !== s.in * r || s.up.length !== r * s.out) throw new Error(`lora-xs site (layer ${s.layer}, ${s.module}): down/up must be [${s.in}, ${r}] and [${r}, ${s.out}]`);
      }
    },
  };
}

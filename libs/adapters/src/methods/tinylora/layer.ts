/**
 * TinyLoRA's graph branch, as an AdapterGraph like every method's: per site,
 * R = (1/√u) Σᵢ v[group, i] Pᵢ mixed from the site's tie-group row of `tinylora_v`, between the frozen
 * SVD factors down and up. Node and tensor names are those the builder used when the branch lived in
 * libs/model, so the graph (and the graph cache's files) are unchanged.
 */
import type { BranchOps, DecoderConfig } from '@tinysweep/model';
import type { SessionAdapter } from '../../session-adapter.js';
import { validateAdapterPlan, type AdapterPlan } from './plan.js';

/** The graph input: v [B, groups, u]; the torch worker and bench/engine feed it by this name. */
export const TINYLORA_INPUT = 'tinylora_v';

/**
 *  x [B,T,in] ─ MatMul(down [in,r]) ───────────────────────────────────────────────┐ [B,T,r]
 *  v_group [B,u] ─ MatMul(P [u,r·r]) ─ Reshape [B,r,r] ─ Mul(1/√u) ─ Transpose ─ Rᵀ ─ MatMul ─ MatMul(up [r,out]) ─▶ [B,T,out]
 *  v_group = tinylora_v [B,G,u] ─ Gather(group, axis 1): one node per group (the builder makes a
 *  name once), shared by the group's sites. R is per batch row: row b mixes its own v[b, group] into P.
 */
export function tinyLoraGraph(plan: AdapterPlan): SessionAdapter {
  const { rank: r, u, sites } = plan;
  const scale = 1 / Math.sqrt(u); // TinyLoRA's normalisation of R
  return {
    method: 'tinylora',
    key: plan.key,
    input: { name: TINYLORA_INPUT, rows: plan.groups, cols: u },
    sites,
    makeDelta(ops: BranchOps, index: number, path: string, x: string): string {
      const site = sites[index]!;
      const { batch: B, seq: T } = ops.dims;
      const inDim = site.down.length / r; // validate() checked down [in, r] and up [r, out] against the model
      const out = site.up.length / r;
      const p = `${path}/tinylora`;
      const down = ops.initializer(`${p}/down`, [inDim, r], () => site.down);
      const up = ops.initializer(`${p}/up`, [r, out], () => site.up);
      const projections = ops.initializer(`${p}/P`, [u, r * r], () => site.P);
      const v = ops.gather(`/model/tinylora/group.${site.group}/Gather`, ops.input, site.group, 1, [B, u]);
      const mixed = ops.matMul(`${p}/R/MatMul`, v, projections, [B, r * r]);
      const square = ops.reshape(`${p}/R/Reshape`, mixed, [-1, r, r], [B, r, r]);
      const R = ops.mul(`${p}/R/Mul`, square, ops.floatScalar(scale), [B, r, r]);
      const RT = ops.transpose(`${p}/R/Transpose`, R, [0, 2, 1], [B, r, r]);
      const xDown = ops.matMul(`${p}/down/MatMul`, x, down, [B, T, r]);
      const xMixed = ops.matMul(`${p}/mix/MatMul`, xDown, RT, [B, T, r]);
      return ops.matMul(`${p}/up/MatMul`, xMixed, up, [B, T, out]);
    },
    validate: (config: DecoderConfig) => validateAdapterPlan(config, plan),
    // the worker has TinyLoRA's branch built in: it loads the plan itself
    tinyLoraForm: () => plan,
  };
}

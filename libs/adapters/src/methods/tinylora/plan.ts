/**
 * TinyLoRA's plan as data: the frozen tensors of every adapted projection (libs/tinylora's SVD
 * factors, projection tensors, tying), built by buildAdapterPlan. layer.ts turns it into the graph
 * branch; the torch worker loads it as it is (see SessionAdapter.tinyLoraForm).
 *
 * On a linear y = x·Wᵀ (W is [out, in]) the branch adds  ((x · down) · R_bᵀ) · up  with
 * R_b = (1/√u) Σᵢ v[b, group, i] · P[i], i.e. ΔW = upᵀ · R · downᵀ; with down = V and up = (UΣ)ᵀ
 * from W ≈ U Σ Vᵀ this is TinyLoRA's W' = W + U Σ R Vᵀ. v is the graph input `tinylora_v` [B, groups, u],
 * so every batch row carries its own adapter.
 */
import { linearShape, type DecoderConfig, type LinearModule } from '@tinysweep/model';

export interface AdapterSite {
  layer: number;
  module: LinearModule;
  /** Row of tinylora_v (tying: sites in one group share v). */
  group: number;
  /** [in, r], row-major. */
  down: Float32Array;
  /** [r, out], row-major. */
  up: Float32Array;
  /** [u, r, r], row-major: the fixed random projections. */
  P: Float32Array;
}

export interface AdapterPlan {
  rank: number;
  u: number;
  groups: number;
  sites: AdapterSite[];
  /**
   * Identifies the frozen tensors (structure + seeds + the base model they were cut from):
   * two plans with one key must produce the same graph, since the graph cache trusts it.
   */
  key: string;
}

/** Throws on a plan that does not fit the model, naming the site and the field. */
export function validateAdapterPlan(config: DecoderConfig, plan: AdapterPlan): void {
  const { rank: r, u, groups } = plan;
  for (const [key, value] of Object.entries({ rank: r, u, groups })) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`adapter ${key} must be a positive integer (got ${value})`);
  }
  const seen = new Set<string>();
  for (const site of plan.sites) {
    const where = `adapter site (layer ${site.layer}, ${site.module})`;
    if (!Number.isInteger(site.layer) || site.layer < 0 || site.layer >= config.nLayers) throw new Error(`${where}: layer must be in [0, ${config.nLayers})`);
    if (seen.has(`${site.layer}/${site.module}`)) throw new Error(`${where}: appears twice`);
    seen.add(`${site.layer}/${site.module}`);
    if (!Number.isInteger(site.group) || site.group < 0 || site.group >= groups) throw new Error(`${where}: group must be in [0, ${groups})`);
    const { in: inDim, out } = linearShape(config, site.module);
    if (site.down.length !== inDim * r) throw new Error(`${where}: down must be [${inDim}, ${r}] (${inDim * r} values, got ${site.down.length})`);
    if (site.up.length !== r * out) throw new Error(`${where}: up must be [${r}, ${out}] (${r * out} values, got ${site.up.length})`);
    if (site.P.length !== u * r * r) throw new Error(`${where}: P must be [${u}, ${r}, ${r}] (${u * r * r} values, got ${site.P.length})`);
  }
}

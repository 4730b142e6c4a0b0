/**
 * The dense form of an adapter plan: W' = W + ΔW per site with ΔW = upᵀ · R · downᵀ and
 * R = (1/√u) Σᵢ v[group, i] P[i] — what the graph's branch must be equivalent to. For the reference
 * forward in tests (and a way to check a merged export).
 */
import { linearShape, linearWeightName, type DecoderConfig, type LinearModule } from '../config/decoder-config.js';
import type { AdapterPlan } from '../builder/adapter-plan.js';
import { MapWeights, type Weights } from '../weights/weights.js';

/** Weights with every site's ΔW added, for one adapter `v` [groups, u]. */
export function mergeAdapterPlan(config: DecoderConfig, weights: Weights, plan: AdapterPlan, v: Float32Array): MapWeights {
  const { rank: r, u, groups } = plan;
  if (v.length !== groups * u) throw new Error(`v has ${v.length} values, expected [${groups}, ${u}]`);
  const merged = MapWeights.from(weights);
  for (const site of plan.sites) {
    const { in: inDim, out } = linearShape(config, site.module);
    // R[a][b] = (1/√u) Σᵢ v[group, i] P[i][a][b]
    const R = new Float64Array(r * r);
    for (let i = 0; i < u; i++) {
      const vi = v[site.group * u + i]! / Math.sqrt(u);
      for (let ab = 0; ab < r * r; ab++) R[ab]! += vi * site.P[i * r * r + ab]!;
    }
    const name = linearWeightName(site.layer, site.module);
    const W = weights.get(name).data;
    const updated = new Float32Array(W.length);
    for (let o = 0; o < out; o++) {
      for (let k = 0; k < inDim; k++) {
        let delta = 0; // ΔW[o][k] = Σ_ab up[a][o] R[a][b] down[k][b]
        for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) delta += site.up[a * out + o]! * R[a * r + b]! * site.down[k * r + b]!;
        updated[o * inDim + k] = W[o * inDim + k]! + delta;
      }
    }
    merged.set(name, { data: updated, shape: [out, inDim] });
  }
  return merged;
}

/** Weights with each ΔW [out, in] added (any adapter method's deltas, e.g. a PreparedAdapter's). */
export function mergeDeltas(weights: Weights, deltas: ReadonlyArray<{ layer: number; module: LinearModule; delta: Float32Array }>): MapWeights {
  const merged = MapWeights.from(weights);
  for (const { layer, module, delta } of deltas) {
    const name = linearWeightName(layer, module);
    const W = weights.get(name);
    if (delta.length !== W.data.length) throw new Error(`ΔW of ${name} has ${delta.length} values, W has ${W.data.length}`);
    merged.set(name, { data: W.data.map((w, i) => w + delta[i]!), shape: W.shape });
  }
  return merged;
}

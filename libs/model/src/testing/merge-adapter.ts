/**
 * The dense form of an adapter: W' = W + ΔW per adapted projection — what a method's graph branch
 * must be equivalent to. For the reference forward in tests (and a way to check a merged export).
 */
import { linearWeightName, type LinearModule } from '../config/decoder-config.js';
import { MapWeights, type Weights } from '../weights/weights.js';

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

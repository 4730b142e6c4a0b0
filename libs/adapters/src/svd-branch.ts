/**
 * The frozen low-rank branch (down = V [in, r], up = Σ Uᵀ [r, out]) of one base weight at rank r,
 * through the {@link FactorCache}: what TinyLoRA and LoRA-XS both put beside a projection.
 */
import { linearShape, linearWeightName, type LoadedModel } from '@tinysweep/model';
import { lowRankBranch, truncatedSvd, type LowRankBranch, type ModuleName } from '@tinysweep/tinylora';
import type { FactorCache } from './factor-cache.js';

/** Throws naming the layer when `layers` reaches past the model's last block. */
export function checkLayersFit(model: LoadedModel, layers: readonly number[]): void {
  const last = layers.at(-1);
  if (last !== undefined && last >= model.config.nLayers) throw new Error(`adapter layer ${last} is past the model's last block (it has ${model.config.nLayers})`);
}

/** The cached (or freshly cut) branch; throws naming the weight on a wrong shape or a rank it cannot have. */
export function svdBranch(model: LoadedModel, layer: number, module: ModuleName, rank: number, svd: { seed: number; iterations: number }, factors: FactorCache): LowRankBranch {
  const { in: inDim, out } = linearShape(model.config, module);
  return factors.get({ modelHash: model.hash, layer, module, rank, svd }, () => {
    const name = linearWeightName(layer, module);
    const W = model.weights.get(name);
    if (W.shape.length !== 2 || W.shape[0] !== out || W.shape[1] !== inDim) {
      throw new Error(`${name} has shape [${W.shape.join(', ')}], expected [${out}, ${inDim}] for the adapter`);
    }
    if (rank > Math.min(out, inDim)) throw new Error(`adapter rank ${rank} exceeds min(out, in) = ${Math.min(out, inDim)} of ${name}`);
    return lowRankBranch(truncatedSvd(W.data, out, inDim, rank, svd));
  });
}

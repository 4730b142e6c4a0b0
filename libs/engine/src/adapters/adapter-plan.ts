/**
 * From an adapter structure (which blocks and modules, rank, u, tying, seeds) and a loaded base
 * model to the frozen tensors libs/model's graph builder puts into the decoder:
 *
 *   target t = (layer, module), in depth order          adapterTargets(layers, modules)
 *   W_t      = weights[linearWeightName(layer, module)]  [out, in], HF names and layout
 *   down, up = lowRankBranch(truncatedSvd(W_t, r))       [in, r], [r, out]   (cached, see FactorCache)
 *   P_t      = projectionTensor(projectionSeed + t, u, r)  [u, r, r]
 *   group_t  = groupOf(targets, tie)[t]                  row of tinylora_v [B, groups, u]
 *
 *   const structure = resolveStructure(tinyLoraConfig({ rank: 2, u: 13, tie: { mode: 'full' } }), model.config.nLayers);
 *   const plan = buildAdapterPlan(model, structure);     // plan.key = model hash + structureKey
 *   const session = await DecoderSession.create(model, { adapter: plan });
 */
import { linearShape, linearWeightName, type AdapterPlan, type AdapterSite, type LoadedModel } from '@tinysweep/model';
import {
  adapterTargets,
  groupOf,
  lowRankBranch,
  projectionTensor,
  structureGroupCount,
  structureKey,
  targetSeed,
  truncatedSvd,
  type AdapterStructure,
} from '@tinysweep/tinylora';
import { defaultFactorCache, type FactorCache } from './factor-cache.js';

/** Options of {@link buildAdapterPlan}. */
export interface AdapterPlanOptions {
  /**
   * Where SVD branches are looked up and kept.
   * @defaultValue the process-wide {@link defaultFactorCache}
   */
  factors?: FactorCache;
}

/**
 * The {@link AdapterPlan} of `structure` on `model`. Throws an Error naming the layer or weight when
 * the structure does not fit the model (a block past the last, a weight of the wrong shape).
 * Deterministic: the SVD and the projections are seeded by the structure.
 */
export function buildAdapterPlan(model: LoadedModel, structure: AdapterStructure, opts: AdapterPlanOptions = {}): AdapterPlan {
  const factors = opts.factors ?? defaultFactorCache;
  const { config, weights } = model;
  const { rank, u } = structure;
  const last = structure.layers.at(-1);
  if (last !== undefined && last >= config.nLayers) throw new Error(`adapter layer ${last} is past the model's last block (it has ${config.nLayers})`);

  const targets = adapterTargets(structure.layers, structure.modules);
  const group = groupOf(targets, structure.tie);
  const sites: AdapterSite[] = targets.map(({ layer, module }, t) => {
    const { in: inDim, out } = linearShape(config, module);
    const branch = factors.get({ modelHash: model.hash, layer, module, rank, svd: structure.svd }, () => {
      const name = linearWeightName(layer, module);
      const W = weights.get(name);
      if (W.shape.length !== 2 || W.shape[0] !== out || W.shape[1] !== inDim) {
        throw new Error(`${name} has shape [${W.shape.join(', ')}], expected [${out}, ${inDim}] for the adapter`);
      }
      if (rank > Math.min(out, inDim)) throw new Error(`adapter rank ${rank} exceeds min(out, in) = ${Math.min(out, inDim)} of ${name}`);
      return lowRankBranch(truncatedSvd(W.data, out, inDim, rank, structure.svd));
    });
    return { layer, module, group: group[t], down: branch.down, up: branch.up, P: projectionTensor(targetSeed(structure.projectionSeed, t), u, rank) };
  });
  return { rank, u, groups: structureGroupCount(structure), sites, key: adapterPlanKey(model.hash, structure) };
}

/**
 * The graph-cache key of a plan: the base model and everything that fixes the frozen tensors
 * ({@link structureKey} canonicalises spelling, so equal structures share one graph).
 */
export function adapterPlanKey(modelHash: string, structure: AdapterStructure): string {
  return `${modelHash};${structureKey(structure)}`;
}

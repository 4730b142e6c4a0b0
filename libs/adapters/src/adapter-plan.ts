/**
 * From an adapter structure (which blocks and modules, rank, u, tying, seeds) and a loaded base
 * model to TinyLoRA's frozen tensors (methods/tinylora/plan.ts; layer.ts makes the graph branch of them):
 *
 *   target t = (layer, module), in depth order          adapterTargets(layers, modules)
 *   W_t      = weights[linearWeightName(layer, module)]  [out, in], HF names and layout
 *   down, up = lowRankBranch(truncatedSvd(W_t, r))       [in, r], [r, out]   (cached, see FactorCache)
 *   P_t      = projectionTensor(projectionSeed + t, u, r)  [u, r, r]
 *   group_t  = groupOf(targets, tie)[t]                  row of tinylora_v [B, groups, u]
 *
 *   const structure = resolveStructure(tinyLoraConfig({ rank: 2, u: 13, tie: { mode: 'full' } }), model.config.nLayers);
 *   const plan = buildAdapterPlan(model, structure);     // plan.key = model hash + structureKey
 *   const session = await DecoderSession.create(model, { adapter: tinyLoraGraph(plan) });
 */
import type { LoadedModel } from '@tinysweep/model';
import { adapterTargets, groupOf, projectionTensor, structureGroupCount, structureKey, targetSeed, type AdapterStructure } from '@tinysweep/tinylora';
import { defaultFactorCache, type FactorCache } from './factor-cache.js';
import type { AdapterPlan, AdapterSite } from './methods/tinylora/plan.js';
import { checkLayersFit, svdBranch } from './svd-branch.js';

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
  const { rank, u } = structure;
  checkLayersFit(model, structure.layers);

  const targets = adapterTargets(structure.layers, structure.modules);
  const group = groupOf(targets, structure.tie);
  const sites: AdapterSite[] = targets.map(({ layer, module }, t) => {
    const branch = svdBranch(model, layer, module, rank, structure.svd, factors);
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

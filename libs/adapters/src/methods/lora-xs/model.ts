/**
 * LoRA-XS on a loaded model: each target's frozen SVD branch (cached, shared with TinyLoRA's) and the
 * trainable layout v = [site][a][b] = R_site[a][b], r² numbers per site in depth order.
 *
 *   ΔW_site = upᵀ · R · downᵀ  (= U Σ R Vᵀ)        peft-lora: B = U Σ R = upᵀ·R [out, r], A = Vᵀ [r, in]
 */
import { linearShape, type LoadedModel } from '@tinysweep/model';
import { adapterTargets, AdapterFileError, canonicalModules, SVD_DEFAULTS, selectLayers, type ModuleName } from '@tinysweep/tinylora';
import type { PrepareContext, PreparedAdapter } from '../../adapter-method.js';
import { defaultFactorCache } from '../../factor-cache.js';
import { buildMethodAdapterFile, checkCommonStructure, type AnyAdapterFile, type MethodAdapterFile } from '../../method-file.js';
import { checkLayersFit, svdBranch } from '../../svd-branch.js';
import { storedMethodV } from '../stored-method-v.js';
import type { LoraXsConfig } from './config.js';
import { loraXsGraph, type LoraXsSite } from './layer.js';

/** What a LoRA-XS file records: the blocks, modules, rank and the SVD's seed and steps. */
export interface LoraXsStructure {
  layers: number[];
  modules: ModuleName[];
  rank: number;
  svd: { seed: number; iterations: number };
}

export function loraXsStructure(model: LoadedModel, c: LoraXsConfig): LoraXsStructure {
  return { layers: selectLayers(c.layers, model.config.nLayers), modules: canonicalModules(c.modules), rank: c.rank, svd: { seed: SVD_DEFAULTS.seed, iterations: SVD_DEFAULTS.iterations } };
}

export function checkLoraXsStructure(value: unknown): LoraXsStructure {
  const { layers, modules, rank, rest } = checkCommonStructure(value, ['svd']);
  const svd = rest.svd as { seed?: unknown; iterations?: unknown } | undefined;
  if (typeof svd !== 'object' || svd === null || !Number.isSafeInteger(svd.seed) || !Number.isInteger(svd.iterations)) throw new AdapterFileError('structure.svd', 'must be { seed, iterations } integers');
  return { layers, modules, rank, svd: { seed: svd.seed as number, iterations: svd.iterations as number } };
}

/** The prepared adapter of a structure on `model`. */
export function prepareLoraXs(model: LoadedModel, structure: LoraXsStructure, ctx: PrepareContext = {}): PreparedAdapter {
  const factors = ctx.factors ?? defaultFactorCache;
  const r = structure.rank;
  checkLayersFit(model, structure.layers);
  const sites: LoraXsSite[] = adapterTargets(structure.layers, structure.modules).map(({ layer, module }) => {
    const { in: inDim, out } = linearShape(model.config, module);
    const branch = svdBranch(model, layer, module, r, structure.svd, factors);
    return { layer, module, in: inDim, out, down: branch.down, up: branch.up };
  });
  const dim = sites.length * r * r;
  const key = `${model.hash};lora-xs/1;layers=${structure.layers.join(',')};modules=${structure.modules.join(',')};rank=${r};svd=${structure.svd.seed}:${structure.svd.iterations}`;
  /** B = upᵀ·R [out, r] of one site (A = Vᵀ = downᵀ). */
  const factorB = (s: LoraXsSite, v: Float32Array, t: number): Float32Array => {
    const B = new Float32Array(s.out * r);
    for (let o = 0; o < s.out; o++) {
      for (let b = 0; b < r; b++) {
        let x = 0;
        for (let a = 0; a < r; a++) x += s.up[a * s.out + o]! * v[t * r * r + a * r + b]!;
        B[o * r + b] = x;
      }
    }
    return B;
  };
  const factorA = (s: LoraXsSite): Float32Array => {
    const A = new Float32Array(r * s.in);
    for (let b = 0; b < r; b++) for (let k = 0; k < s.in; k++) A[b * s.in + k] = s.down[k * r + b]!;
    return A;
  };
  const loraFactors = (v: Float32Array) => sites.map((s, t) => ({ layer: s.layer, module: s.module, rank: r, alpha: r, A: factorA(s), B: factorB(s, v, t) }));
  return {
    method: 'lora-xs',
    session: loraXsGraph(key, r, sites),
    dim,
    init: undefined,
    summary: `${sites.length} modules × rank ${r}² = ${dim} trainable (lora-xs)`,
    file: ({ baseModel, v, prune }) => buildMethodAdapterFile({ method: 'lora-xs', baseModel, structure: { ...structure, svd: { ...structure.svd } }, v, prune }),
    storedV: (file: AnyAdapterFile, modelHash: string) => storedMethodV(file, 'lora-xs', structure as unknown as MethodAdapterFile['structure'], modelHash, dim),
    loraFactors,
    deltas: (v) =>
      loraFactors(v).map(({ layer, module, A, B }) => {
        const s = sites.find((x) => x.layer === layer && x.module === module)!;
        const delta = new Float32Array(s.out * s.in);
        for (let o = 0; o < s.out; o++) for (let k = 0; k < s.in; k++) for (let b = 0; b < r; b++) delta[o * s.in + k]! += B[o * r + b]! * A[b * s.in + k]!;
        return { layer, module, delta };
      }),
  };
}

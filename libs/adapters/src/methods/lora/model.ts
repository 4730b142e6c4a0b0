/**
 * LoRA on a loaded model: nothing frozen but the base weights; the trainable vector holds, per
 * target in depth order, A [r, in] then B [out, r] (row-major), r·(in + out) numbers per module.
 * Training starts from A seeded uniform in ±1/√in and B = 0 (PEFT's init), so ΔW = 0 at the start.
 *
 *   ΔW_site = (α/r) · B · A        peft-lora: A and B as they are, lora_alpha = α
 */
import { linearShape, type LoadedModel } from '@tinysweep/model';
import { adapterTargets, AdapterFileError, canonicalModules, createRng, selectLayers, type ModuleName } from '@tinysweep/tinylora';
import type { PreparedAdapter } from '../../adapter-method.js';
import { buildMethodAdapterFile, checkCommonStructure, type AnyAdapterFile, type MethodAdapterFile } from '../../method-file.js';
import { checkLayersFit } from '../../svd-branch.js';
import { storedMethodV } from '../stored-method-v.js';
import type { LoraConfig } from './config.js';
import { loraGraph, type LoraSite } from './layer.js';

/** What a LoRA file records. */
export interface LoraStructure {
  layers: number[];
  modules: ModuleName[];
  rank: number;
  /** ΔW = (α/r)·B·A. */
  alpha: number;
  /** A's initialisation (module t: initSeed + t); with it the file rebuilds the start of training. */
  initSeed: number;
}

export function loraStructure(model: LoadedModel, c: LoraConfig): LoraStructure {
  return { layers: selectLayers(c.layers, model.config.nLayers), modules: canonicalModules(c.modules), rank: c.rank, alpha: c.alpha ?? c.rank, initSeed: c.initSeed ?? 0 };
}

export function checkLoraStructure(value: unknown): LoraStructure {
  const { layers, modules, rank, rest } = checkCommonStructure(value, ['alpha', 'initSeed']);
  if (typeof rest.alpha !== 'number' || !(rest.alpha > 0)) throw new AdapterFileError('structure.alpha', `must be a number greater than 0 (got ${JSON.stringify(rest.alpha)})`);
  if (!Number.isSafeInteger(rest.initSeed)) throw new AdapterFileError('structure.initSeed', `must be an integer (got ${JSON.stringify(rest.initSeed)})`);
  return { layers, modules, rank, alpha: rest.alpha, initSeed: rest.initSeed as number };
}

/** Trainable numbers: Σ r·(in + out) over the targets. */
export function loraParamCount(model: LoadedModel, s: Pick<LoraStructure, 'layers' | 'modules' | 'rank'>): number {
  return adapterTargets(s.layers, s.modules).reduce((n, { module }) => {
    const { in: inDim, out } = linearShape(model.config, module);
    return n + s.rank * (inDim + out);
  }, 0);
}

export function prepareLora(model: LoadedModel, structure: LoraStructure): PreparedAdapter {
  const r = structure.rank;
  checkLayersFit(model, structure.layers);
  let offset = 0;
  const sites: LoraSite[] = adapterTargets(structure.layers, structure.modules).map(({ layer, module }) => {
    const { in: inDim, out } = linearShape(model.config, module);
    const site = { layer, module, in: inDim, out, offset };
    offset += r * (inDim + out);
    return site;
  });
  const dim = offset;
  const scale = structure.alpha / r;
  const key = `${model.hash};lora/1;layers=${structure.layers.join(',')};modules=${structure.modules.join(',')};rank=${r};alpha=${structure.alpha}`;
  // A ~ U(−1/√in, 1/√in): PEFT's kaiming_uniform_(a=√5) bound on a [r, in] weight; B = 0.
  const init = new Float32Array(dim);
  sites.forEach((s, t) => {
    const rng = createRng(structure.initSeed + t);
    const bound = 1 / Math.sqrt(s.in);
    for (let i = 0; i < r * s.in; i++) init[s.offset + i] = (2 * rng.next() - 1) * bound;
  });
  const loraFactors = (v: Float32Array) =>
    sites.map((s) => ({ layer: s.layer, module: s.module, rank: r, alpha: structure.alpha, A: v.slice(s.offset, s.offset + r * s.in), B: v.slice(s.offset + r * s.in, s.offset + r * (s.in + s.out)) }));
  return {
    method: 'lora',
    session: loraGraph(key, r, scale, dim, sites),
    dim,
    init,
    summary: `${sites.length} modules × rank ${r} × (in + out) = ${dim} trainable (lora, α/r = ${scale})`,
    file: ({ baseModel, v, prune }) => buildMethodAdapterFile({ method: 'lora', baseModel, structure: { ...structure }, v, prune }),
    storedV: (file: AnyAdapterFile, modelHash: string) => storedMethodV(file, 'lora', structure as unknown as MethodAdapterFile['structure'], modelHash, dim),
    loraFactors,
    deltas: (v) =>
      loraFactors(v).map(({ layer, module, A, B }) => {
        const s = sites.find((x) => x.layer === layer && x.module === module)!;
        const delta = new Float32Array(s.out * s.in);
        for (let o = 0; o < s.out; o++) {
          for (let k = 0; k < s.in; k++) {
            let d = 0;
            for (let b = 0; b < r; b++) d += B[o * r + b]! * A[b * s.in + k]!;
            delta[o * s.in + k] = scale * d;
          }
        }
        return { layer, module, delta };
      }),
  };
}

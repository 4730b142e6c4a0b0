/**
 * TinyLoRA on a loaded model: the plan of buildAdapterPlan (SVD branches, seeded projections P, tie
 * groups), its graph branch (layer.ts: `tinylora_v` [B, groups, u]); the file is libs/tinylora's
 * `tinysweep.tinylora/1`.
 *
 *   ΔW_site = U Σ R Vᵀ, R = (1/√u) Σᵢ v[group, i] Pᵢ      peft-lora: A = Vᵀ, B = U Σ R, scaling 1
 */
import { linearShape, type LoadedModel } from '@tinysweep/model';
import { buildAdapterFile, resolveStructure, tinyLoraConfig, type AdapterFile, type AdapterStructure } from '@tinysweep/tinylora';
import type { PrepareContext, PreparedAdapter } from '../../adapter-method.js';
import { buildAdapterPlan } from '../../adapter-plan.js';
import type { AnyAdapterFile } from '../../method-file.js';
import type { TinyLoraAdapterConfig } from './config.js';
import { tinyLoraGraph } from './layer.js';
import type { AdapterPlan, AdapterSite } from './plan.js';
import { storedV } from './stored-v.js';

export function tinyLoraStructure(model: LoadedModel, c: TinyLoraAdapterConfig): AdapterStructure {
  const { modules, layers, rank, u, tie, projectionSeed } = c;
  return resolveStructure(tinyLoraConfig({ modules, layers, rank, u, tie, projectionSeed: projectionSeed ?? 0 }), model.config.nLayers);
}

export function prepareTinyLora(model: LoadedModel, structure: AdapterStructure, ctx: PrepareContext = {}): PreparedAdapter {
  const plan = buildAdapterPlan(model, structure, { factors: ctx.factors });
  const dim = plan.groups * plan.u; // length of v: groups × u
  const loraFactorsOf = (v: Float32Array) =>
    plan.sites.map((site) => {
      const f = loraFactors(model, plan, site, v);
      return { layer: site.layer, module: site.module, rank: plan.rank, alpha: plan.rank, A: f.A, B: f.B };
    });
  return {
    method: 'tinylora',
    session: tinyLoraGraph(plan),
    dim,
    init: undefined,
    summary: `${plan.sites.length} modules, ${plan.groups} groups × u ${plan.u} = ${dim} trainable`,
    file: ({ baseModel, v, prune }) => buildAdapterFile({ baseModel, structure, v, prune }),
    storedV: (file: AnyAdapterFile, modelHash: string) => {
      if ('method' in file) throw new Error(`adapter.method: the stored adapter is ${file.method}, the trial tinylora`);
      return storedV(file, structure, modelHash, dim);
    },
    loraFactors: loraFactorsOf,
    deltas: (v) =>
      loraFactorsOf(v).map(({ layer, module, rank: r, A, B }) => {
        const { in: inDim, out } = linearShape(model.config, module);
        const delta = new Float32Array(out * inDim);
        for (let o = 0; o < out; o++) {
          for (let k = 0; k < inDim; k++) {
            let d = 0; // (B A)[o][k]
            for (let b = 0; b < r; b++) d += B[o * r + b]! * A[b * inDim + k]!;
            delta[o * inDim + k] = d;
          }
        }
        return { layer, module, delta };
      }),
  };
}

/** The structure of a TinyLoRA file (files without `method`). */
export function tinyLoraFileStructure(file: AnyAdapterFile): AdapterStructure {
  if ('method' in file) throw new Error(`not a TinyLoRA adapter file (method ${file.method})`);
  return (file as AdapterFile).structure;
}

/** R [r, r] = (1/√u) Σᵢ v[group, i] Pᵢ of one site, in float64. */
function siteR(plan: AdapterPlan, site: AdapterSite, v: Float32Array): Float64Array {
  const { rank: r, u } = plan;
  const R = new Float64Array(r * r);
  for (let i = 0; i < u; i++) {
    const vi = v[site.group * u + i]! / Math.sqrt(u);
    for (let ab = 0; ab < r * r; ab++) R[ab]! += vi * site.P[i * r * r + ab]!;
  }
  return R;
}

/** lora_A = Vᵀ [r, in] and lora_B = U Σ R [out, r] of one site (B[o][b] = Σ_a up[a][o] · R[a][b]). */
export function loraFactors(model: LoadedModel, plan: AdapterPlan, site: AdapterSite, v: Float32Array): { A: Float32Array; B: Float32Array; in: number; out: number } {
  const r = plan.rank;
  const { in: inDim, out } = linearShape(model.config, site.module);
  const R = siteR(plan, site, v);
  const A = new Float32Array(r * inDim);
  for (let b = 0; b < r; b++) for (let k = 0; k < inDim; k++) A[b * inDim + k] = site.down[k * r + b]!;
  const B = new Float32Array(out * r);
  for (let o = 0; o < out; o++) {
    for (let b = 0; b < r; b++) {
      let x = 0;
      for (let a = 0; a < r; a++) x += site.up[a * out + o]! * R[a * r + b]!;
      B[o * r + b] = x;
    }
  }
  return { A, B, in: inDim, out };
}

/**
 * A trained TinyLoRA adapter in the forms other tools load (issue 17: adapters that leave tinysweep).
 *
 * TinyLoRA's update of a frozen weight W [out, in] is W' = W + U Σ R Vᵀ (libs/tinylora README), with
 * U Σ Vᵀ W's truncated SVD at rank r and R = (1/√u) Σᵢ vᵢ Pᵢ [r, r]. That is a rank-r LoRA:
 *
 *   lora_A = Vᵀ        [r, in]     (libs/model's plan keeps down = V [in, r])
 *   lora_B = U Σ R     [out, r]    (the plan keeps up = Σ Uᵀ [r, out], so B = upᵀ · R)
 *   scaling = lora_alpha / r = 1   (lora_alpha = r)
 *
 * - `peft-lora`: a PEFT LoRA directory (adapter_config.json + adapter_model.safetensors, PEFT's
 *   `base_model.model.<module>.lora_{A,B}.weight` keys and module names), which PEFT, transformers and
 *   vLLM load as any LoRA. Pruned entries of v are zeros in R; nothing else changes.
 * - `merged`: the base model's Hugging Face directory with W' in place of W (float32 safetensors),
 *   its config and tokenizer files copied: any HF loader runs it without knowing about adapters.
 * - `tinysweep`: the adapter file itself (libs/tinylora's format).
 *
 *   const files = exportAdapter(await loadModel(path), parseAdapter(text), 'peft-lora');
 *   for (const f of files) writeFileSync(join(out, f.name), f.data);
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeSafetensors, linearShape, linearWeightName, type AdapterPlan, type AdapterSite, type LoadedModel, type SafetensorsTensor } from '@tinysweep/model';
import { serializeAdapter, type AdapterFile } from '@tinysweep/tinylora';
import { buildAdapterPlan, type AdapterPlanOptions } from '../adapters/adapter-plan.js';

/** The forms {@link exportAdapter} writes. */
export const ADAPTER_EXPORT_FORMATS = ['peft-lora', 'merged', 'tinysweep'] as const;
export type AdapterExportFormat = (typeof ADAPTER_EXPORT_FORMATS)[number];

/** One file of an export, by its name inside the export's directory. */
export interface ExportedFile {
  name: string;
  data: Buffer;
}

/** An adapter that cannot be exported in the form asked (wrong base model, not a HF model). */
export class AdapterExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Files of a HF model directory that a merged copy keeps (config and tokenizer; never weights). */
const HF_SIDE_FILES = /^(config|generation_config|tokenizer|tokenizer_config|special_tokens_map|added_tokens|vocab)\.json$|^(merges\.txt|tokenizer\.model|chat_template\.jinja)$/;

/**
 * The files of `adapter` (trained on `model`) in `format`. Throws {@link AdapterExportError} when
 * the adapter was trained on another model, or when `peft-lora`/`merged` is asked of a model that is
 * not a Hugging Face directory (a llama2.c checkpoint has no HF names or config to point at).
 */
export function exportAdapter(model: LoadedModel, adapter: AdapterFile, format: AdapterExportFormat, opts: AdapterPlanOptions = {}): ExportedFile[] {
  if (format === 'tinysweep') return [{ name: 'adapter.json', data: Buffer.from(`${serializeAdapter(adapter)}\n`) }];
  if (adapter.baseModel.hash !== model.hash) {
    throw new AdapterExportError(`the adapter was trained on model ${adapter.baseModel.hash.slice(0, 12)}, not on ${basename(model.source)} (${model.hash.slice(0, 12)})`);
  }
  if (!isHfDirectory(model.source)) {
    throw new AdapterExportError(`${format} needs a Hugging Face model directory (config.json + safetensors); ${basename(model.source)} is a llama2.c checkpoint: export format tinysweep instead`);
  }
  const plan = buildAdapterPlan(model, adapter.structure, opts);
  const v = Float32Array.from(adapter.v);
  return format === 'peft-lora' ? peftLoraFiles(model, adapter, plan, v) : mergedModelFiles(model, plan, v);
}

function isHfDirectory(source: string): boolean {
  try {
    return statSync(source).isDirectory();
  } catch {
    return false;
  }
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

/** `model.layers.3.self_attn.q_proj`: the module's path in the HF model (PEFT's target and key names). */
const modulePath = (site: AdapterSite) => linearWeightName(site.layer, site.module).replace(/\.weight$/, '');

function peftLoraFiles(model: LoadedModel, adapter: AdapterFile, plan: AdapterPlan, v: Float32Array): ExportedFile[] {
  const tensors: SafetensorsTensor[] = [];
  for (const site of plan.sites) {
    const f = loraFactors(model, plan, site, v);
    const key = `base_model.model.${modulePath(site)}`;
    tensors.push({ name: `${key}.lora_A.weight`, shape: [plan.rank, f.in], data: f.A }, { name: `${key}.lora_B.weight`, shape: [f.out, plan.rank], data: f.B });
  }
  // Every block adapted: PEFT's short module names; else each module's full path, which PEFT matches
  // exactly and vLLM reads like any other (it keys on the tensors' module names).
  const allLayers = adapter.structure.layers.length === model.config.nLayers;
  const shortNames = [...new Set(plan.sites.map((s) => modulePath(s).split('.').at(-1)!))];
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: basename(model.source),
    r: plan.rank,
    lora_alpha: plan.rank, // scaling = lora_alpha / r = 1: B already carries U Σ R
    lora_dropout: 0,
    bias: 'none',
    fan_in_fan_out: false,
    use_rslora: false,
    use_dora: false,
    init_lora_weights: true,
    inference_mode: true,
    modules_to_save: null,
    target_modules: allLayers ? shortNames : plan.sites.map(modulePath),
  };
  const readme = [
    `# TinyLoRA adapter as a PEFT LoRA`,
    '',
    `Exported by tinysweep from a TinyLoRA adapter (${adapter.trainableParams} trained numbers, ${adapter.effectiveParams} non-zero) on ${basename(model.source)}.`,
    `Rank ${plan.rank}, ${plan.sites.length} modules: lora_A = Vᵀ, lora_B = U Σ R (W ≈ U Σ Vᵀ the truncated SVD of each frozen weight, R = (1/√u) Σᵢ vᵢ Pᵢ), scaling 1.`,
    '',
    '```python',
    'from peft import PeftModel',
    `model = PeftModel.from_pretrained(base_model, "<this directory>")   # base_model: ${basename(model.source)}`,
    '```',
    '',
  ].join('\n');
  return [
    { name: 'adapter_config.json', data: Buffer.from(`${JSON.stringify(config, null, 2)}\n`) },
    { name: 'adapter_model.safetensors', data: encodeSafetensors(tensors, 'F32', { format: 'pt' }) },
    { name: 'README.md', data: Buffer.from(readme) },
  ];
}

function mergedModelFiles(model: LoadedModel, plan: AdapterPlan, v: Float32Array): ExportedFile[] {
  const merged = new Map<string, Float32Array>();
  for (const site of plan.sites) {
    const f = loraFactors(model, plan, site, v);
    const name = linearWeightName(site.layer, site.module);
    const W = model.weights.get(name).data;
    const out = new Float32Array(W.length);
    for (let o = 0; o < f.out; o++) {
      for (let k = 0; k < f.in; k++) {
        let delta = 0; // (B A)[o][k]
        for (let b = 0; b < plan.rank; b++) delta += f.B[o * plan.rank + b]! * f.A[b * f.in + k]!;
        out[o * f.in + k] = W[o * f.in + k]! + delta;
      }
    }
    merged.set(name, out);
  }
  const tensors = model.weights.names().map((name) => {
    const t = model.weights.get(name);
    return { name, shape: t.shape, data: merged.get(name) ?? t.data };
  });
  const files: ExportedFile[] = [];
  for (const name of readdirSync(model.source).sort()) {
    if (!HF_SIDE_FILES.test(name)) continue;
    let data = readFileSync(join(model.source, name));
    if (name === 'config.json') {
      // The merged weights are written in float32 whatever the base's dtype.
      data = Buffer.from(`${JSON.stringify({ ...(JSON.parse(data.toString('utf8')) as object), torch_dtype: 'float32' }, null, 2)}\n`);
    }
    files.push({ name, data });
  }
  files.push({ name: 'model.safetensors', data: encodeSafetensors(tensors, 'F32', { format: 'pt' }) });
  files.push({
    name: 'README.md',
    data: Buffer.from(`# ${basename(model.source)} with a TinyLoRA adapter merged\n\nExported by tinysweep: W' = W + U Σ R Vᵀ on ${plan.sites.length} modules (rank ${plan.rank}); every other weight as in the base model, float32.\n`),
  });
  return files;
}

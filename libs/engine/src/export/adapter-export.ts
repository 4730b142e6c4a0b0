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
 *   const files = exportAdapter(await loadModel(path), parseAnyAdapter(text), 'peft-lora');
 *   for (const f of files) writeFileSync(join(out, f.name), f.data);
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeSafetensors, linearWeightName, type LinearModule, type LoadedModel, type SafetensorsTensor } from '@tinysweep/model';
import type { AdapterPlanOptions } from '@tinysweep/adapters';
import type { PreparedAdapter } from '@tinysweep/adapters';
import { adapterFileMethod, type AnyAdapterFile } from '@tinysweep/adapters';
import { adapterMethod, serializeAnyAdapter } from '@tinysweep/adapters';

export { loraFactors } from '@tinysweep/adapters';

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
export function exportAdapter(model: LoadedModel, adapter: AnyAdapterFile, format: AdapterExportFormat, opts: AdapterPlanOptions = {}): ExportedFile[] {
  if (format === 'tinysweep') return [{ name: 'adapter.json', data: Buffer.from(`${serializeAnyAdapter(adapter)}\n`) }];
  if (adapter.baseModel.hash !== model.hash) {
    throw new AdapterExportError(`the adapter was trained on model ${adapter.baseModel.hash.slice(0, 12)}, not on ${basename(model.source)} (${model.hash.slice(0, 12)})`);
  }
  if (!isHfDirectory(model.source)) {
    throw new AdapterExportError(`${format} needs a Hugging Face model directory (config.json + safetensors); ${basename(model.source)} is a llama2.c checkpoint: export format tinysweep instead`);
  }
  const method = adapterFileMethod(adapter);
  const prepared = adapterMethod(method).fromFile(model, adapter, opts);
  const v = Float32Array.from(adapter.v);
  if (format === 'peft-lora' && !prepared.loraFactors) throw new AdapterExportError(`peft-lora cannot express a ${method} adapter (its update is not B·A); export merged or tinysweep instead`);
  return format === 'peft-lora' ? peftLoraFiles(model, adapter, prepared, v) : mergedModelFiles(model, prepared, v);
}

function isHfDirectory(source: string): boolean {
  try {
    return statSync(source).isDirectory();
  } catch {
    return false;
  }
}

/** `model.layers.3.self_attn.q_proj`: the module's path in the HF model (PEFT's target and key names). */
const modulePath = (site: { layer: number; module: LinearModule }) => linearWeightName(site.layer, site.module).replace(/\.weight$/, '');

function peftLoraFiles(model: LoadedModel, adapter: AnyAdapterFile, prepared: PreparedAdapter, v: Float32Array): ExportedFile[] {
  const tensors: SafetensorsTensor[] = [];
  const sites = prepared.loraFactors!(v);
  const rank = sites[0]!.rank;
  const alpha = sites[0]!.alpha;
  for (const site of sites) {
    const key = `base_model.model.${modulePath(site)}`;
    tensors.push({ name: `${key}.lora_A.weight`, shape: [rank, site.A.length / rank], data: site.A }, { name: `${key}.lora_B.weight`, shape: [site.B.length / rank, rank], data: site.B });
  }
  const plan = { rank, sites };
  const method = adapterFileMethod(adapter);
  const title = method === 'tinylora' ? 'TinyLoRA' : method === 'lora-xs' ? 'LoRA-XS' : method;
  // Every block adapted: PEFT's short module names; else each module's full path, which PEFT matches
  // exactly and vLLM reads like any other (it keys on the tensors' module names).
  const allLayers = adapter.structure.layers.length === model.config.nLayers;
  const shortNames = [...new Set(plan.sites.map((s) => modulePath(s).split('.').at(-1)!))];
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: basename(model.source),
    r: plan.rank,
    lora_alpha: alpha, // scaling = lora_alpha / r: 1 where B already carries U Σ R (TinyLoRA, LoRA-XS)
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
    `# ${title} adapter as a PEFT LoRA`,
    '',
    `Exported by tinysweep from a ${title} adapter (${adapter.trainableParams} trained numbers, ${adapter.effectiveParams} non-zero) on ${basename(model.source)}.`,
    method === 'lora'
      ? `Rank ${plan.rank}, ${plan.sites.length} modules: lora_A and lora_B as trained, scaling lora_alpha / r = ${alpha / rank}.`
      : `Rank ${plan.rank}, ${plan.sites.length} modules: lora_A = Vᵀ, lora_B = U Σ R (W ≈ U Σ Vᵀ the truncated SVD of each frozen weight, ${method === 'tinylora' ? 'R = (1/√u) Σᵢ vᵢ Pᵢ' : 'R the trained r×r matrix'}), scaling 1.`,
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

function mergedModelFiles(model: LoadedModel, prepared: PreparedAdapter, v: Float32Array): ExportedFile[] {
  const merged = new Map<string, Float32Array>();
  const add = (layer: number, module: LinearModule, delta: (o: number, k: number) => number) => {
    const name = linearWeightName(layer, module);
    const W = model.weights.get(name);
    const [outDim, inDim] = W.shape as [number, number];
    const out = new Float32Array(W.data.length);
    for (let o = 0; o < outDim; o++) for (let k = 0; k < inDim; k++) out[o * inDim + k] = W.data[o * inDim + k]! + delta(o, k);
    merged.set(name, out);
  };
  if (prepared.loraFactors) {
    for (const f of prepared.loraFactors(v)) {
      const r = f.rank;
      const inDim = f.A.length / r;
      const scale = f.alpha / r;
      add(f.layer, f.module, (o, k) => {
        let delta = 0; // (B A)[o][k], summed in float64
        for (let b = 0; b < r; b++) delta += f.B[o * r + b]! * f.A[b * inDim + k]!;
        return scale === 1 ? delta : scale * delta;
      });
    }
  } else {
    for (const d of prepared.deltas(v)) {
      const inDim = model.weights.get(linearWeightName(d.layer, d.module)).shape[1]!;
      add(d.layer, d.module, (o, k) => d.delta[o * inDim + k]!);
    }
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
    data: Buffer.from(
      prepared.method === 'tinylora'
        ? `# ${basename(model.source)} with a TinyLoRA adapter merged\n\nExported by tinysweep: W' = W + U Σ R Vᵀ on ${merged.size} modules; every other weight as in the base model, float32.\n`
        : `# ${basename(model.source)} with a ${prepared.method} adapter merged\n\nExported by tinysweep: W' = W + ΔW on ${merged.size} modules; every other weight as in the base model, float32.\n`,
    ),
  });
  return files;
}

/**
 * The seam every adapter method sits behind, in the manner of PEFT's tuners (config / layer / model
 * per method): a method folder under `methods/` holds its config (the trial's adapter fields as a zod
 * schema, its spec fields), its layer (the graph branch, an AdapterGraph for libs/model's builder) and its model (the
 * plan: frozen tensors, the trainable vector's layout, parameter count, ΔW, export factors), and its
 * index.ts is one {@link AdapterMethod}. `methods/index.ts` lists them; the registry
 * (registry.ts) is all the engine and the trainer know of methods.
 *
 *   const method = adapterMethod(trial.adapter.method ?? 'tinylora');
 *   const prepared = method.prepare(model, trial.adapter, { factors });   // frozen tensors, dim, init
 *   const session = await device.open(model, prepared.session);          // one trainable input [B, rows, cols]
 *   const file = prepared.file({ baseModel, v });                         // the adapter file
 */
import type { LoadedModel, LinearModule } from '@tinysweep/model';
import type { LayerSelector, ModuleName } from '@tinysweep/tinylora';
import type { z } from 'zod';
import type { FactorCache } from './factor-cache.js';
import type { AnyAdapterFile } from './method-file.js';
import type { SessionAdapter } from './session-adapter.js';

/** The adapter section of a trial: `method` (absent = tinylora) and the shared fields; each method's config adds its own. */
export interface AdapterConfig {
  /** @defaultValue `'tinylora'` */
  method?: string;
  modules: ModuleName[];
  /** A selector (`all`, `last:4`, `every:2`, `0-3`) or explicit block indices. */
  layers: LayerSelector;
  rank: number;
}

/** How a spec field of a method is parsed (libs/spec maps each kind to its axis parser). */
export type SpecFieldKind = 'positive-int' | 'positive-number' | 'tie';

/** A method's own spec field. */
export interface MethodField {
  kind: SpecFieldKind;
  /** Filled in when the spec leaves the field out; absent: the field stays out. */
  default?: unknown;
}

/** What the engine needs from an adapter opened on a model. */
export interface PreparedAdapter {
  method: string;
  /** What a device opens a session with: the method's AdapterGraph (and its forms for the torch worker). */
  session: SessionAdapter;
  /** Length of the trainable vector: the trainable-parameter count. */
  dim: number;
  /** Where training starts (LoRA's seeded A); undefined: zeros. Zeros are always the base model. */
  init: Float32Array | undefined;
  /** For logs: "12 modules, 4 groups × u 3 = 12 trainable". */
  summary: string;
  /** The adapter file for trained numbers `v` (rounded to float32). */
  file(args: { baseModel: { hash: string; name?: string }; v: ArrayLike<number>; prune?: { threshold: number } }): AnyAdapterFile;
  /** The trainable vector of a stored file of this adapter; throws naming the field that differs. */
  storedV(file: AnyAdapterFile, modelHash: string): Float32Array;
  /** ΔW [out, in] row-major of each adapted projection for `v` (PEFT's get_delta_weight): merging, tests. */
  deltas(v: Float32Array): Array<{ layer: number; module: LinearModule; delta: Float32Array }>;
  /**
   * ΔW = (alpha / rank) · B·A per projection with A [r, in] and B [out, r] (PEFT's LoRA layout), for
   * the peft-lora export; absent when the method's delta is not of that form.
   */
  loraFactors?(v: Float32Array): Array<{ layer: number; module: LinearModule; rank: number; alpha: number; A: Float32Array; B: Float32Array }>;
}

/** Where a method's plan is built. */
export interface PrepareContext {
  /**
   * SVD branches kept across trials (methods that cut W with a truncated SVD).
   * @defaultValue the process-wide cache
   */
  factors?: FactorCache;
}

/** One adapter method. */
export interface AdapterMethod {
  /** Lowercase, as `adapter.method` spells it. */
  readonly name: string;
  /** Prefix of its graph input and tensor names (`loraxs_`); unique across methods. */
  readonly prefix: string;
  /** Its spec fields besides `modules`, `layers` and `rank` (which every method has). */
  readonly fields: Readonly<Record<string, MethodField>>;
  /** The trial's adapter section for this method (one value per field). */
  readonly trialSchema: z.ZodType<AdapterConfig>;
  /** Frozen tensors and trainable layout of `adapter` on `model`; throws an Error naming the field when it does not fit. */
  prepare(model: LoadedModel, adapter: AdapterConfig, ctx?: PrepareContext): PreparedAdapter;
  /** The same for a stored adapter file of this method (Try it, export, a shared training's result). */
  fromFile(model: LoadedModel, file: AnyAdapterFile, ctx?: PrepareContext): PreparedAdapter;
  /** Checks a file's `structure` for this method and returns it normalised; throws AdapterFileError. */
  checkStructure(value: unknown): Record<string, unknown>;
}

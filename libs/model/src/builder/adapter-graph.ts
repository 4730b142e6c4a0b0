/**
 * The seam between the graph builder and an adapter method other than TinyLoRA (whose branch the
 * builder knows itself, from a plain {@link AdapterPlan}): a method hands the builder an
 * {@link AdapterGraph} that names its trainable graph input and makes each adapted projection's delta
 * out of {@link BranchOps}, the builder's make* vocabulary bound to the graph being built.
 *
 *   on a linear y = x·Wᵀ at an adapted site:   y' = y + graph.makeDelta(ops, site, path, x)   [B,T,out]
 *
 * The trainable numbers travel as one graph input `[B, rows, cols]` (every batch row its own adapter),
 * so the engine's batched ES population works for every method alike.
 */
import type { DecoderConfig, LinearModule } from '../config/decoder-config.js';
import type { AdapterPlan } from './adapter-plan.js';
import type { Dim } from './onnx-model.js';

/** The builder's ops a method branch may use (node names are paths, outputs `${name}/output_0`). */
export interface BranchOps {
  /** Symbolic batch and sequence dims, for shape annotations. */
  readonly dims: { batch: Dim; seq: Dim };
  /** The trainable graph input's name. */
  readonly input: string;
  initializer(name: string, dims: number[], data: () => Float32Array): string;
  matMul(name: string, a: string, b: string, shape?: Dim[]): string;
  mul(name: string, a: string, b: string, shape?: Dim[]): string;
  reshape(name: string, x: string, target: number[], shape?: Dim[]): string;
  transpose(name: string, x: string, perm: number[], shape?: Dim[]): string;
  /** x[..., starts:ends] along `axes` (constant bounds). */
  slice(name: string, x: string, starts: number[], ends: number[], axes: number[], shape?: Dim[]): string;
  /** data.take(index, axis): a constant scalar index, so the axis is dropped. */
  gather(name: string, data: string, index: number, axis: number, shape?: Dim[]): string;
  floatScalar(value: number): string;
}

/** One adapter method's branches, as the builder and the session need them. */
export interface AdapterGraph {
  /** The method (`lora-xs`, `lora`): it names the branch nodes (`…/q_proj/lora/Add`). */
  method: string;
  /** Identifies the frozen tensors (structure + seeds + base model): the graph cache trusts it. */
  key: string;
  /** The trainable input `[B, rows, cols]`; rows × cols numbers per adapter. */
  input: { name: string; rows: number; cols: number };
  /** Adapted projections, in depth order; `makeDelta` is called with an index into this list. */
  sites: ReadonlyArray<{ layer: number; module: LinearModule }>;
  /** The site's delta [B,T,out] for its input x [B,T,in]. */
  makeDelta(ops: BranchOps, site: number, path: string, x: string): string;
  /** Throws, naming the site and field, when the graph does not fit the model. */
  validate(config: DecoderConfig): void;
  /**
   * The same update written as a TinyLoRA plan (same key, same trainable layout), for a device that
   * knows only TinyLoRA's branch (the torch worker); absent when the method has no such form.
   */
  tinyLoraForm?(): AdapterPlan;
  /**
   * The branch as data, for a device without this graph builder (the torch worker): per batch row,
   * site s reads A [r, in] at `offset` of its input row and B [out, r] right after it, ΔW = scale·B·A.
   */
  loraForm?(): LoraForm;
}

/** See {@link AdapterGraph.loraForm}. */
export interface LoraForm {
  rank: number;
  scale: number;
  sites: ReadonlyArray<{ layer: number; module: LinearModule; offset: number; in: number; out: number }>;
}

/** What a session may be built with: TinyLoRA's plan or another method's graph. */
export type SessionAdapter = AdapterPlan | AdapterGraph;

export function isAdapterGraph(a: SessionAdapter): a is AdapterGraph {
  return 'makeDelta' in a;
}

/** The adapter input's name and [rows, cols] for either kind. */
export function adapterInput(a: SessionAdapter): { name: string; rows: number; cols: number } {
  return isAdapterGraph(a) ? a.input : { name: 'tinylora_v', rows: a.groups, cols: a.u };
}

/**
 * The seam between the graph builder and the adapter methods (libs/adapters), of which the builder
 * knows none: a method hands the builder an {@link AdapterGraph} that names its trainable graph input
 * and makes each adapted projection's delta out of {@link BranchOps}, the builder's make* vocabulary
 * bound to the graph being built.
 *
 *   on a linear y = x·Wᵀ at an adapted site:   y' = y + graph.makeDelta(ops, site, path, x)   [B,T,out]
 *
 * The trainable numbers travel as one graph input `[B, rows, cols]` (every batch row its own adapter),
 * so the engine's batched ES population works for every method alike.
 */
import type { DecoderConfig, LinearModule } from '../config/decoder-config.js';
import type { Dim } from './onnx-model.js';

/**
 * The builder's ops a method branch may use (node names are paths, outputs `${name}/output_0`). A name
 * made before is not made again, so sites may share a subgraph by naming it alike (TinyLoRA's tie groups).
 */
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
  /** The method's name: it names the Add of each site's delta (`…/q_proj/lora/Add`). */
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
}

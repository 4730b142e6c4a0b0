/**
 * What a device opens a session with: a method's {@link AdapterGraph} (all libs/model's ONNX builder
 * takes), plus, for the torch worker — which has no graph builder, only two branches of its own —
 * the same update written as data one of those branches loads.
 */
import type { AdapterGraph, LinearModule } from '@tinysweep/model';
import type { AdapterPlan } from './methods/tinylora/plan.js';

export interface SessionAdapter extends AdapterGraph {
  /**
   * The update as a TinyLoRA plan (same key, same trainable layout), for the worker's TinyLoRA
   * branch (TinyLoRA's own plan; LoRA-XS written as one); absent when the method has no such form.
   */
  tinyLoraForm?(): AdapterPlan;
  /**
   * The branch as data, for the worker's LoRA branch: per batch row, site s reads A [r, in] at
   * `offset` of its input row and B [out, r] right after it, ΔW = scale·B·A.
   */
  loraForm?(): LoraForm;
}

/** See {@link SessionAdapter.loraForm}. */
export interface LoraForm {
  rank: number;
  scale: number;
  sites: ReadonlyArray<{ layer: number; module: LinearModule; offset: number; in: number; out: number }>;
}

/**
 * LoRA's configuration (Hu et al., arXiv 2106.09685, as PEFT's LoraConfig): W' = W + (α/r)·B·A with
 * A [r, in] and B [out, r] trainable; A starts seeded uniform in ±1/√in (PEFT's kaiming_uniform_(a=√5)),
 * B at zero, so training starts at the base model. r·(in + out) numbers per module.
 *
 *   adapter: { method: lora, modules: [q], layers: [3], rank: 1, alpha: 1 }
 */
import type { LayerSelector, ModuleName } from '@tinysweep/tinylora';
import { z } from 'zod';
import type { MethodField } from '../../adapter-method.js';
import { int, layers, modules, positive } from '../shared-fields.js';

export interface LoraConfig {
  method: 'lora';
  modules: ModuleName[];
  layers: LayerSelector;
  /** Rank r of A and B. */
  rank: number;
  /** Scaling α: ΔW = (α/r)·B·A. @defaultValue r (scaling 1) */
  alpha?: number;
  /** Seed of A's initialisation (module t: initSeed + t). Not in the spec. @defaultValue 0 */
  initSeed?: number;
}

export const loraTrialSchema: z.ZodType<LoraConfig> = z.strictObject({
  method: z.literal('lora'),
  modules,
  layers,
  rank: int(1),
  alpha: positive.optional(),
  initSeed: int(0).optional(),
});

/** `alpha`: no default in the spec (absent = r, PEFT's scaling 1 at lora_alpha = r). */
export const LORA_FIELDS: Readonly<Record<string, MethodField>> = { alpha: { kind: 'positive-number' } };

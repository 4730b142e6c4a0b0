/**
 * LoRA-XS's configuration (Bałazy et al., arXiv 2405.17604): W' = W + U_r Σ_r R V_rᵀ, with U_r Σ_r V_rᵀ
 * the frozen truncated SVD of W at rank r and R [r, r] the only trainable tensor of each module —
 * TinyLoRA's R = (1/√u) Σᵢ vᵢ Pᵢ trained directly, r² numbers per module, no tying.
 *
 *   adapter: { method: lora-xs, modules: [q, v], layers: last:2, rank: 2 }   # 4 modules × 2² = 16 numbers
 */
import type { LayerSelector, ModuleName } from '@tinysweep/tinylora';
import { z } from 'zod';
import type { MethodField } from '../../adapter-method.js';
import { int, layers, modules } from '../shared-fields.js';

export interface LoraXsConfig {
  method: 'lora-xs';
  modules: ModuleName[];
  layers: LayerSelector;
  /** SVD rank r: each module trains r × r numbers. */
  rank: number;
}

export const loraXsTrialSchema: z.ZodType<LoraXsConfig> = z.strictObject({
  method: z.literal('lora-xs'),
  modules,
  layers,
  rank: int(1),
});

/** No fields beyond modules, layers and rank. */
export const LORA_XS_FIELDS: Readonly<Record<string, MethodField>> = {};

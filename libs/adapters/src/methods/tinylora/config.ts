/**
 * TinyLoRA's fields of a trial's adapter section (the math and its own config live in libs/tinylora:
 * tinyLoraConfig, resolveStructure): W' = W + U Σ R Vᵀ, R = (1/√u) Σᵢ vᵢ Pᵢ, v ∈ ℝᵘ per tie group.
 * A trial without `method` is TinyLoRA's, as every trial was before methods existed.
 */
import type { LayerSelector, ModuleName, TieSpec } from '@tinysweep/tinylora';
import { z } from 'zod';
import type { MethodField } from '../../adapter-method.js';
import { int, layers, modules } from '../shared-fields.js';

export interface TinyLoraAdapterConfig {
  method?: 'tinylora';
  modules: ModuleName[];
  layers: LayerSelector;
  rank: number;
  u: number;
  tie: TieSpec;
  /** Base seed of the projections P. Not in the spec's schema yet. @defaultValue `0` */
  projectionSeed?: number;
}

const tie = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('none') }),
    z.strictObject({ mode: z.literal('full') }),
    z.strictObject({ mode: z.enum(['tiled', 'structured']), n: int(1) }),
  ],
  { error: 'must be { mode: none | full } or { mode: tiled | structured, n }' },
);

export const tinyLoraTrialSchema: z.ZodType<TinyLoraAdapterConfig> = z.strictObject({
  method: z.literal('tinylora').optional(),
  modules,
  layers,
  rank: int(1),
  u: int(1),
  tie,
  projectionSeed: int(0).optional(),
});

/** u and tie, with the spec's defaults (u = 1, no tying). */
export const TINYLORA_FIELDS: Readonly<Record<string, MethodField>> = {
  u: { kind: 'positive-int', default: 1 },
  tie: { kind: 'tie', default: { mode: 'none' } },
};

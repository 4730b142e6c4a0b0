/**
 * RoPE inverse frequencies θ_i = base^(−2i/headDim), i < headDim/2, with HF's rope_scaling variants.
 * Computed in float32 steps like torch (and run.c's powf), so angles match the reference bit for bit
 * as far as possible.
 */
import type { RopeScaling } from '../config/decoder-config.js';

export function ropeInverseFrequencies(headDim: number, base: number, scaling?: RopeScaling): Float32Array {
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = Math.fround(1 / Math.fround(base ** Math.fround((2 * i) / headDim)));
  if (!scaling) return inv;
  if (scaling.type === 'linear') return inv.map((f) => f / scaling.factor);
  // llama3: long wavelengths are slowed by `factor`, short ones kept, the band between interpolated
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: context } = scaling;
  const lowFreqWavelen = context / lowFreqFactor;
  const highFreqWavelen = context / highFreqFactor;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highFreqWavelen) return f;
    if (wavelen > lowFreqWavelen) return f / factor;
    const smooth = (context / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}

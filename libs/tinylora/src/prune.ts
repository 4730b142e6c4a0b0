/**
 * Magnitude pruning of a trained v: entries that are small relative to the largest are set to 0, so
 * the adapter's effective parameter count drops (optionally the survivors are retrained briefly,
 * which is the engine's business).
 */

/** What {@link pruneByMagnitude} returns. */
export interface PruneResult {
  /** A pruned copy of v (the input is left alone). */
  v: Float32Array;
  /** Entries that passed the threshold, |vᵢ| ≥ threshold × max|v| (zeros included when threshold is 0). */
  kept: number;
  /** Non-zero entries of the pruned v: the parameters the adapter really uses. */
  effectiveParams: number;
}

/**
 * Zeroes every vᵢ with |vᵢ| < threshold × max|v|, threshold in [0, 1). The max is over the whole v
 * (all groups together), so the largest entry always survives. Threshold 0 keeps everything (entries
 * already 0 stay 0 and do not count as effective). Throws when the threshold is out of range or v
 * holds a NaN or ±Infinity.
 */
export function pruneByMagnitude(v: Float32Array, threshold: number): PruneResult {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold < 1)) {
    throw new Error(`threshold must be in [0, 1), relative to max |v| (got ${String(threshold)})`);
  }
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`v[${i}] is not finite (${v[i]})`);
    max = Math.max(max, Math.abs(v[i]));
  }
  const cut = threshold * max;
  const out = new Float32Array(v.length);
  let kept = 0;
  let effectiveParams = 0;
  for (let i = 0; i < v.length; i++) {
    if (Math.abs(v[i]) < cut) continue;
    out[i] = v[i];
    kept++;
    if (v[i] !== 0) effectiveParams++;
  }
  return { v: out, kept, effectiveParams };
}

/** Non-zero entries of v. */
export function countNonZero(v: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return n;
}

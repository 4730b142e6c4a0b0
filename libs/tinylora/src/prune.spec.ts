import { describe, expect, it } from 'vitest';
import { pruneByMagnitude } from './prune.js';

describe('pruneByMagnitude', () => {
  const v = Float32Array.of(0.5, -0.04, 0.1, 0, -1, 0.3);

  it('zeroes entries under threshold × max|v| and counts the rest', () => {
    const r = pruneByMagnitude(v, 0.2); // cut at 0.2
    expect(Array.from(r.v)).toEqual([0.5, 0, 0, 0, -1, Math.fround(0.3)]);
    expect(r.kept).toBe(3);
    expect(r.effectiveParams).toBe(3);
    expect(Array.from(v)).toEqual(Array.from(Float32Array.of(0.5, -0.04, 0.1, 0, -1, 0.3))); // input untouched
  });

  it('keeps entries exactly at the cut (strictly-less is pruned)', () => {
    const r = pruneByMagnitude(Float32Array.of(1, 0.5, 0.25), 0.5);
    expect(Array.from(r.v)).toEqual([1, 0.5, 0]);
  });

  it('threshold 0 keeps everything; zeros are kept but not effective', () => {
    const r = pruneByMagnitude(v, 0);
    expect(Array.from(r.v)).toEqual(Array.from(v));
    expect(r.kept).toBe(6);
    expect(r.effectiveParams).toBe(5);
  });

  it('always keeps the largest entry; an all-zero v has nothing effective', () => {
    expect(pruneByMagnitude(v, 0.999).effectiveParams).toBe(1);
    const z = pruneByMagnitude(new Float32Array(4), 0.5);
    expect(z.effectiveParams).toBe(0);
    expect(pruneByMagnitude(new Float32Array(0), 0.5).effectiveParams).toBe(0);
  });

  it('refuses thresholds outside [0, 1) and non-finite v', () => {
    for (const t of [-0.1, 1, 2, NaN]) expect(() => pruneByMagnitude(v, t), String(t)).toThrow(/threshold must be in \[0, 1\)/);
    expect(() => pruneByMagnitude(Float32Array.of(1, Infinity), 0.1)).toThrow(/v\[1\] is not finite/);
  });
});

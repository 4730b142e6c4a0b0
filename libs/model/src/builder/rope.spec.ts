import { describe, expect, it } from 'vitest';
import { ropeInverseFrequencies } from './rope.js';

describe('ropeInverseFrequencies', () => {
  it('is base^(−2i/headDim) without scaling', () => {
    const inv = ropeInverseFrequencies(8, 10000);
    expect([...inv].map((f) => +f.toPrecision(6))).toEqual([1, 0.1, 0.01, 0.001]);
  });

  it('linear scaling divides every frequency', () => {
    expect([...ropeInverseFrequencies(8, 10000, { type: 'linear', factor: 4 })][1]).toBeCloseTo(0.025, 8);
  });

  it('llama3 scaling keeps short wavelengths, slows long ones, blends the band between', () => {
    const scaling = { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 } as const;
    const plain = ropeInverseFrequencies(128, 500000);
    const scaled = ropeInverseFrequencies(128, 500000, scaling);
    expect(scaled[0]).toBe(plain[0]); // wavelength 2π < 8192/4
    expect(scaled[63]).toBeCloseTo(plain[63]! / 8, 12); // wavelength > 8192
    const band = [...plain.keys()].filter((i) => {
      const wavelen = (2 * Math.PI) / plain[i]!;
      return wavelen > 2048 && wavelen < 8192;
    });
    expect(band.length).toBeGreaterThan(0);
    for (const i of band) {
      expect(scaled[i]).toBeLessThan(plain[i]!);
      expect(scaled[i]).toBeGreaterThan(plain[i]! / 8);
    }
  });
});

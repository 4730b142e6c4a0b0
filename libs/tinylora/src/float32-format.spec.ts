import { describe, expect, it } from 'vitest';
import { formatFloat32 } from './float32-format.js';
import { createRng } from './prng.js';

describe('formatFloat32', () => {
  it('writes the fewest digits that read back as the same float32', () => {
    expect(formatFloat32(0.1)).toBe('0.1');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(100)).toBe('100');
    expect(formatFloat32(-2.5)).toBe('-2.5');
    expect(formatFloat32(1e-7)).toBe('1e-7');
    expect(formatFloat32(0)).toBe('0');
    expect(formatFloat32(-0)).toBe('0');
    expect(formatFloat32(3.4e38)).toBe('3.4e+38');
  });

  it('round-trips random float32 values exactly, in at most 9 significant digits', () => {
    const rng = createRng(8);
    for (let i = 0; i < 20_000; i++) {
      const f = Math.fround(rng.normal() * 10 ** Math.floor(rng.next() * 12 - 6));
      const text = formatFloat32(f);
      expect(Math.fround(Number(text))).toBe(f);
      expect(text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
  });

  it('refuses what float32 cannot hold', () => {
    expect(() => formatFloat32(NaN)).toThrow();
    expect(() => formatFloat32(1e39)).toThrow(/float32/);
  });
});

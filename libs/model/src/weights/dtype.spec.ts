import { describe, expect, it } from 'vitest';
import { bf16ToF32Array, f16ToF32, f32ToBf16Array, f32ToF16 } from './dtype.js';

describe('half precision', () => {
  it('converts f16 edge values', () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // rounds up to inf
    expect(f32ToF16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16(2 ** -26)).toBe(0x0000); // below half of it: zero
    expect(f32ToF16(-0)).toBe(0x8000);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // halfway: ties to even
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f16ToF32(0x7e00)).toBeNaN();
  });

  it('round-trips every finite f16 value', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(f32ToF16(f16ToF32(h))).toBe(h);
    }
  });

  it('rounds bf16 to nearest even and widens exactly', () => {
    const values = Float32Array.of(1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -3.5);
    const bf = f32ToBf16Array(values);
    expect([...bf]).toEqual([0x3f80, 0x3f80, 0x3f82, 0xc060]);
    expect([...bf16ToF32Array(bf)]).toEqual([1, 1, 1 + 2 ** -6, -3.5]);
  });
});

import { describe, expect, it } from 'vitest';
import { TINYLORA_DEFAULTS, resolveStructure, tinyLoraConfig, type TinyLoraOptions } from './config.js';
import { structureGroupCount } from './adapter-file.js';

describe('tinyLoraConfig', () => {
  it('fills the defaults (the paper: all layers, all 7 modules, rank 2, u 1)', () => {
    const c = tinyLoraConfig();
    expect(c).toEqual({
      layers: 'all',
      modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
      rank: 2,
      u: 1,
      tie: { mode: 'none' },
      projectionSeed: 0,
      svd: { seed: 0, iterations: 4 },
    });
    expect(Object.isFrozen(TINYLORA_DEFAULTS.modules)).toBe(true);
    c.modules.push('q'); // a copy, not the defaults
    expect(TINYLORA_DEFAULTS.modules).toHaveLength(7);
  });

  it('keeps what is given, svd field by field', () => {
    const c = tinyLoraConfig({ rank: 4, tie: { mode: 'tiled', n: 16 }, svd: { iterations: 6 } });
    expect(c.rank).toBe(4);
    expect(c.tie).toEqual({ mode: 'tiled', n: 16 });
    expect(c.svd).toEqual({ seed: 0, iterations: 6 });
  });

  it('throws naming the field', () => {
    const cases: [TinyLoraOptions, RegExp][] = [
      [{ rank: 0 }, /^rank must be a positive integer \(got 0\)/],
      [{ rank: 1.5 }, /^rank/],
      [{ u: 0 }, /^u must be a positive integer/],
      [{ tie: { mode: 'tiled', n: 0 } }, /^tie\.n must be a positive integer/],
      [{ tie: { mode: 'structured', n: -2 } }, /^tie\.n/],
      [{ tie: { mode: 'mixed' } as never }, /^tie\.mode/],
      [{ modules: [] }, /^modules must list at least one/],
      [{ modules: ['q', 'qq' as never] }, /^modules\[1\]/],
      [{ modules: ['q', 'q'] }, /^modules must not list a module twice/],
      [{ layers: 'last:0' }, /^layer selector "last:0"/],
      [{ projectionSeed: 0.5 }, /^projectionSeed/],
      [{ svd: { iterations: -1 } }, /^svd\.iterations/],
      [{ svd: { seed: Number.NaN } }, /^svd\.seed/],
      [{ ranks: 2 } as never, /^unknown option "ranks"/],
    ];
    for (const [opts, message] of cases) expect(() => tinyLoraConfig(opts), JSON.stringify(opts)).toThrow(message);
  });
});

describe('resolveStructure', () => {
  it('resolves the selector against the model and orders modules', () => {
    const s = resolveStructure(tinyLoraConfig({ layers: 'last:2', modules: ['down', 'q'], tie: { mode: 'full' } }), 28);
    expect(s).toEqual({ layers: [26, 27], modules: ['q', 'down'], rank: 2, u: 1, tie: { mode: 'full' }, projectionSeed: 0, svd: { seed: 0, iterations: 4 } });
  });

  it("gives the paper's 13 parameters on Qwen2.5-7B", () => {
    const s = resolveStructure(tinyLoraConfig({ tie: { mode: 'tiled', n: 16 } }), 28);
    expect(structureGroupCount(s) * s.u).toBe(13);
  });

  it('throws naming the selector when the model is too shallow', () => {
    expect(() => resolveStructure(tinyLoraConfig({ layers: 'last:40' }), 28)).toThrow(/layer selector "last:40"/);
  });
});

import { describe, expect, it } from 'vitest';
import { MODULE_ORDER, adapterTargets, selectLayers } from './layer-selection.js';
import { groupOf, tieGroups, trainableParamCount, type TieSpec } from './tying.js';

// Qwen2.5-7B: 28 blocks × 7 linear modules = 196 adapted modules.
const qwen7b = adapterTargets(selectLayers('all', 28), [...MODULE_ORDER]);

describe('tieGroups', () => {
  it("reproduces the paper's counts on 196 modules", () => {
    const count = (tie: TieSpec): number => tieGroups(qwen7b, tie).length;
    expect(qwen7b).toHaveLength(196);
    expect(count({ mode: 'tiled', n: 16 })).toBe(13); // ⌈196/16⌉: 13 parameters at u = 1
    expect(count({ mode: 'full' })).toBe(1);
    expect(count({ mode: 'none' })).toBe(196);
    expect(count({ mode: 'structured', n: 4 })).toBe(49); // 7 blocks of 4 layers × 7 types
    expect(count({ mode: 'structured', n: 28 })).toBe(7); // one group per type
    expect(count({ mode: 'structured', n: 3 })).toBe(70); // ⌈28/3⌉ = 10 blocks × 7 types
    expect(count({ mode: 'structured', n: 1 })).toBe(196);
    expect(count({ mode: 'tiled', n: 1 })).toBe(196);
    expect(count({ mode: 'tiled', n: 500 })).toBe(1);
    expect(trainableParamCount(count({ mode: 'tiled', n: 16 }), 1)).toBe(13);
    expect(trainableParamCount(count({ mode: 'full' }), 13)).toBe(13);
  });

  it('tiled chunks consecutive modules whatever their type; the last group may be short', () => {
    const groups = tieGroups(qwen7b, { mode: 'tiled', n: 16 });
    expect(groups.map((g) => g.targets.length)).toEqual([...new Array(12).fill(16), 4]);
    expect(groups[0].targets[15]).toEqual({ layer: 2, module: 'k' });
    expect(groups[1].targets[0]).toEqual({ layer: 2, module: 'v' });
    expect(groups.map((g) => g.index)).toEqual(Array.from({ length: 13 }, (_, i) => i));
  });

  it('structured groups one module type across n consecutive selected layers', () => {
    const targets = adapterTargets([0, 5, 6, 9, 12], ['q', 'down']);
    const groups = tieGroups(targets, { mode: 'structured', n: 2 });
    // blocks of selected layers: [0,5], [6,9], [12]
    expect(groups.map((g) => g.targets.map((t) => `${t.layer}${t.module}`).join(' '))).toEqual([
      '0q 5q',
      '0down 5down',
      '6q 9q',
      '6down 9down',
      '12q',
      '12down',
    ]);
    expect(groupOf(targets, { mode: 'structured', n: 2 })).toEqual([0, 1, 0, 1, 2, 3, 2, 3, 4, 5]);
  });

  it('numbers groups by first appearance, so none and n = 1 agree', () => {
    const none = groupOf(qwen7b, { mode: 'none' });
    expect(groupOf(qwen7b, { mode: 'tiled', n: 1 })).toEqual(none);
    expect(groupOf(qwen7b, { mode: 'structured', n: 1 })).toEqual(none);
    expect(new Set(groupOf(qwen7b, { mode: 'full' }))).toEqual(new Set([0]));
  });

  it('refuses bad tie specs and targets out of depth order', () => {
    expect(() => tieGroups(qwen7b, { mode: 'tiled', n: 0 })).toThrow('tie.n must be a positive integer for mode tiled (got 0)');
    expect(() => tieGroups(qwen7b, { mode: 'structured' } as TieSpec)).toThrow(/tie\.n/);
    expect(() => tieGroups(qwen7b, { mode: 'tiles' } as unknown as TieSpec)).toThrow(/tie\.mode must be one of/);
    expect(() => groupOf([qwen7b[1], qwen7b[0]], { mode: 'none' })).toThrow(/depth order/);
    expect(tieGroups([], { mode: 'full' })).toEqual([]);
  });

  it('trainableParamCount checks its arguments', () => {
    expect(trainableParamCount(0, 5)).toBe(0);
    expect(() => trainableParamCount(3, 0)).toThrow(/u must be a positive integer/);
    expect(() => trainableParamCount(-1, 1)).toThrow(/nGroups/);
  });
});

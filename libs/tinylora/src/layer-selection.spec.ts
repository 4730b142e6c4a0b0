import { describe, expect, it } from 'vitest';
import { MODULE_ORDER, adapterTargets, checkLayerSelector, selectLayers, type LayerSelector } from './layer-selection.js';

describe('selectLayers', () => {
  it('resolves every selector form on 28 layers', () => {
    expect(selectLayers('all', 28)).toEqual(Array.from({ length: 28 }, (_, i) => i));
    expect(selectLayers('first:3', 28)).toEqual([0, 1, 2]);
    expect(selectLayers('last:3', 28)).toEqual([25, 26, 27]);
    expect(selectLayers('every:10', 28)).toEqual([0, 10, 20]);
    expect(selectLayers('every:1', 28)).toEqual(selectLayers('all', 28));
    expect(selectLayers('4-7', 28)).toEqual([4, 5, 6, 7]);
    expect(selectLayers('5-5', 28)).toEqual([5]);
    expect(selectLayers([9, 2, 2, 27], 28)).toEqual([2, 9, 27]);
    expect(selectLayers('last:28', 28)).toEqual(selectLayers('all', 28));
  });

  it('throws naming the selector when it reaches past the model', () => {
    expect(() => selectLayers('last:40', 28)).toThrow('layer selector "last:40": k must be between 1 and 28');
    expect(() => selectLayers('first:29', 28)).toThrow(/"first:29"/);
    expect(() => selectLayers('every:29', 28)).toThrow(/"every:29"/);
    expect(() => selectLayers('20-28', 28)).toThrow('layer selector "20-28": block 28 is out of range for a model with 28 layers');
    expect(() => selectLayers([0, 28], 28)).toThrow('layer selector [0,28]: block 28 is out of range');
  });

  it('throws naming the selector when it is malformed', () => {
    const bad: unknown[] = ['last:0', 'first:x', '7-3', 'some', '', [], [1.5], [-1]];
    for (const s of bad) expect(() => selectLayers(s as LayerSelector, 28), JSON.stringify(s)).toThrow(/^layer selector /);
    expect(() => checkLayerSelector('every:0')).toThrow(/"every:0": k must be at least 1/);
    expect(() => checkLayerSelector('last:4')).not.toThrow();
    expect(() => selectLayers('all', 0)).toThrow(/nLayers must be a positive integer/);
  });
});

describe('adapterTargets', () => {
  it('is layer-major with modules in q,k,v,o,gate,up,down order', () => {
    expect(MODULE_ORDER).toEqual(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
    expect(adapterTargets([3, 1], ['down', 'q', 'v'])).toEqual([
      { layer: 1, module: 'q' },
      { layer: 1, module: 'v' },
      { layer: 1, module: 'down' },
      { layer: 3, module: 'q' },
      { layer: 3, module: 'v' },
      { layer: 3, module: 'down' },
    ]);
    expect(adapterTargets(selectLayers('all', 28), [...MODULE_ORDER])).toHaveLength(196);
  });

  it('refuses unknown modules and negative layers', () => {
    expect(() => adapterTargets([0], ['q_proj' as never])).toThrow(/modules: unknown module "q_proj"/);
    expect(() => adapterTargets([-1], ['q'])).toThrow(/layers:/);
  });
});

import { describe, expect, it } from 'vitest';
import { flattenParams, formatParamValue, unionKeys, varyingKeys } from './flatten.js';

describe('flattenParams', () => {
  it('joins nested object keys with dots, in key order', () => {
    expect(flattenParams({ adapter: { rank: 2, tie: { mode: 'tiled', n: 16 } }, lr: 0.05 })).toEqual({
      'adapter.rank': 2,
      'adapter.tie.mode': 'tiled',
      'adapter.tie.n': 16,
      lr: 0.05,
    });
    expect(Object.keys(flattenParams({ b: 1, a: { d: 1, c: 2 } }))).toEqual(['b', 'a.d', 'a.c']);
  });

  it('keeps arrays whole and empty objects as leaves, and turns undefined into null', () => {
    const flat = flattenParams({ adapter: { modules: ['q', 'k'], layers: [[1, 2]] }, extra: {}, gone: undefined, none: null });
    expect(flat).toEqual({ 'adapter.modules': ['q', 'k'], 'adapter.layers': [[1, 2]], extra: {}, gone: null, none: null });
  });

  it('handles an empty params object', () => {
    expect(flattenParams({})).toEqual({});
  });
});

describe('formatParamValue', () => {
  it('prints primitives plainly and structures as compact JSON', () => {
    expect(formatParamValue('last:8')).toBe('last:8');
    expect(formatParamValue(0.1)).toBe('0.1');
    expect(formatParamValue(false)).toBe('false');
    expect(formatParamValue(null)).toBe('');
    expect(formatParamValue(undefined)).toBe('');
    expect(formatParamValue(['q', 'k'])).toBe('["q","k"]');
    expect(formatParamValue({})).toBe('{}');
  });
});

describe('varyingKeys', () => {
  it('returns only keys whose values differ', () => {
    const rows = [
      flattenParams({ model: 'm', adapter: { rank: 1, u: 1 } }),
      flattenParams({ model: 'm', adapter: { rank: 2, u: 1 } }),
      flattenParams({ model: 'm', adapter: { rank: 1, u: 1 } }),
    ];
    expect(varyingKeys(rows)).toEqual(['adapter.rank']);
  });

  it('counts a key missing from some rows as varying', () => {
    expect(varyingKeys([{ a: 1, b: 2 }, { a: 1 }])).toEqual(['b']);
  });

  it('tells a string from a number and null from an empty string', () => {
    expect(varyingKeys([{ a: 1 }, { a: '1' }])).toEqual(['a']);
    expect(varyingKeys([{ a: null }, { a: '' }])).toEqual(['a']);
  });

  it('compares arrays by content', () => {
    expect(varyingKeys([{ m: ['q', 'k'] }, { m: ['q', 'k'] }])).toEqual([]);
    expect(varyingKeys([{ m: ['q', 'k'] }, { m: ['q'] }])).toEqual(['m']);
  });

  it('finds nothing varying with fewer than two rows', () => {
    expect(varyingKeys([])).toEqual([]);
    expect(varyingKeys([{ a: 1 }])).toEqual([]);
  });
});

describe('unionKeys', () => {
  it('keeps first-seen order without duplicates', () => {
    expect(unionKeys([{ a: 1, b: 1 }, { c: 1, a: 2 }])).toEqual(['a', 'b', 'c']);
  });
});

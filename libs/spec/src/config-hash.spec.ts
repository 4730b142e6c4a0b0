import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from './index.js';

describe('canonicalHash', () => {
  it('is stable across key order, at every depth', () => {
    const a = { adapter: { rank: 2, u: 13, tie: { mode: 'tiled', n: 16 } }, lr: 0.1, seed: 1 };
    const b = { seed: 1, lr: 0.1, adapter: { tie: { n: 16, mode: 'tiled' }, u: 13, rank: 2 } };
    expect(canonicalHash(a)).toBe(canonicalHash(b));
    expect(canonicalJson(b)).toBe('{"adapter":{"rank":2,"tie":{"mode":"tiled","n":16},"u":13},"lr":0.1,"seed":1}');
  });

  it('agrees for 1 and 1.0, 0 and -0, parsed and literal numbers; differs for different values', () => {
    expect(canonicalHash({ x: 1 })).toBe(canonicalHash(JSON.parse('{"x": 1.0}')));
    expect(canonicalHash({ x: -0 })).toBe(canonicalHash({ x: 0 }));
    expect(canonicalHash({ x: 1e-3 })).toBe(canonicalHash(JSON.parse('{"x": 0.001}')));
    expect(canonicalHash({ x: 1 })).not.toBe(canonicalHash({ x: '1' }));
    expect(canonicalHash([1, 2])).not.toBe(canonicalHash([2, 1]));
  });

  it('leaves out undefined members, like JSON', () => {
    expect(canonicalHash({ a: 1, b: undefined })).toBe(canonicalHash({ a: 1 }));
    expect(canonicalJson([1, undefined])).toBe('[1,null]');
  });

  it('is sha256 hex of the canonical JSON', () => {
    // sha256('{}')
    expect(canonicalHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('refuses values JSON would encode lossily', () => {
    expect(() => canonicalHash({ a: { b: [NaN] } })).toThrow(/NaN is not a finite number at a\.b\[0\]/);
    expect(() => canonicalHash({ a: Infinity })).toThrow(TypeError);
    expect(() => canonicalHash({ a: new Map() })).toThrow(/Map/);
    expect(() => canonicalHash({ a: 1n })).toThrow(/bigint/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => canonicalHash(cyc)).toThrow(/cycle/);
  });
});

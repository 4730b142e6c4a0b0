import { describe, expect, it } from 'vitest';
import { ADAPTER_FORMAT, buildAdapterFile, parseAdapter, serializeAdapter, structureKey, validateAdapter, type AdapterFile, type AdapterStructure } from './adapter-file.js';
import { AdapterFileError } from './errors/adapter-file-error.js';
import { createRng } from './prng.js';
import { pruneByMagnitude } from './prune.js';

const SHA256 = 'a3f1c2d4e5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778';

/** The paper's 13-parameter adapter: Qwen2.5-7B, all 28 × 7 modules, rank 2, u 1, tiled 16. */
const paper: AdapterStructure = {
  layers: Array.from({ length: 28 }, (_, i) => i),
  modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
  rank: 2,
  u: 1,
  tie: { mode: 'tiled', n: 16 },
  projectionSeed: 0,
  svd: { seed: 0, iterations: 4 },
};

function trained(n: number, seed = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.normal() * 0.05);
}

/** A mutable plain copy of a file, as a reader would get from JSON.parse. */
function plain(a: AdapterFile): Record<string, unknown> & { structure: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(a)) as Record<string, unknown> & { structure: Record<string, unknown> };
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AdapterFileError) return err.field;
    throw err;
  }
  throw new Error('did not throw');
}

describe('adapter file', () => {
  const file = buildAdapterFile({ baseModel: { hash: SHA256, name: 'Qwen2.5-7B-Instruct' }, structure: paper, v: trained(13) });

  it('fills groups and counts', () => {
    expect(file.format).toBe(ADAPTER_FORMAT);
    expect(file.groups).toBe(13);
    expect(file.trainableParams).toBe(13);
    expect(file.effectiveParams).toBe(13);
    expect(file.v.every((x) => Math.fround(x) === x)).toBe(true);
  });

  it('round-trips exactly', () => {
    const text = serializeAdapter(file);
    expect(parseAdapter(text)).toEqual(file);
    expect(serializeAdapter(parseAdapter(text))).toBe(text);
  });

  it('prints a 13-parameter adapter on one short line', () => {
    const bare = buildAdapterFile({ baseModel: { hash: SHA256 }, structure: paper, v: trained(13) });
    const text = serializeAdapter(bare);
    expect(text).not.toMatch(/\n/);
    expect(text).toContain('"layers":"0-27"');
    // 516 characters here: 64 are the SHA-256 and ~170 the thirteen float32 numbers (9 significant
    // digits each, irreducible if the file is to read back bit-exact); the rest, ~280, is structure.
    expect(text.length).toBeLessThanOrEqual(520);
    expect(text.length - SHA256.length).toBeLessThanOrEqual(460);
    // Fully tied u = 13 is the same size.
    const full = buildAdapterFile({ baseModel: { hash: SHA256 }, structure: { ...paper, u: 13, tie: { mode: 'full' } }, v: trained(13) });
    expect(full.groups).toBe(1);
    expect(serializeAdapter(full).length).toBeLessThanOrEqual(520);
  });

  it('writes v as shortest float32 text', () => {
    const small = buildAdapterFile({ baseModel: { hash: 'h' }, structure: { ...paper, u: 3, tie: { mode: 'full' } }, v: [0.1, -2.5, 0] });
    expect(serializeAdapter(small)).toMatch(/"effectiveParams":2,"v":\[0\.1,-2\.5,0\]\}$/);
  });

  it('records pruning, and counts only non-zero entries as effective', () => {
    const pruned = pruneByMagnitude(Float32Array.from(file.v), 0.5);
    const p = buildAdapterFile({ baseModel: { hash: SHA256 }, structure: paper, v: pruned.v, prune: { threshold: 0.5 } });
    expect(p.effectiveParams).toBe(pruned.effectiveParams);
    expect(p.effectiveParams).toBeLessThan(13);
    expect(p.trainableParams).toBe(13);
    const back = parseAdapter(serializeAdapter(p));
    expect(back.prune).toEqual({ threshold: 0.5 });
    expect(back).toEqual(p);
  });

  it('reads layers as a plain array too, and normalises order', () => {
    const o = plain(file);
    o.structure.layers = [...paper.layers].reverse();
    o.structure.modules = ['down', 'q', 'k', 'v', 'o', 'gate', 'up'];
    expect(validateAdapter(o)).toEqual(file);
  });

  it('rejects bad files naming the field', () => {
    const cases: [string, (o: ReturnType<typeof plain>) => void][] = [
      ['format', (o) => (o.format = 'tinysweep.tinylora/2')],
      ['format', (o) => delete o.format],
      ['baseModel.hash', (o) => (o.baseModel = { hash: '' })],
      ['baseModel', (o) => delete o.baseModel],
      ['structure.layers', (o) => (o.structure.layers = '0-27,3')],
      ['structure.layers', (o) => (o.structure.layers = '27-0')],
      ['structure.layers[1]', (o) => (o.structure.layers = [0, -1])],
      ['structure.modules[0]', (o) => (o.structure.modules = ['q_proj'])],
      ['structure.rank', (o) => (o.structure.rank = 0)],
      ['structure.u', (o) => (o.structure.u = '1')],
      ['structure.tie.n', (o) => (o.structure.tie = { mode: 'tiled' })],
      ['structure.tie.mode', (o) => (o.structure.tie = { mode: 'tiles', n: 16 })],
      ['structure.projectionSeed', (o) => delete o.structure.projectionSeed],
      ['structure.svd.iterations', (o) => (o.structure.svd = { seed: 0, iterations: -1 })],
      ['structure.extra', (o) => (o.structure.extra = 1)],
      ['groups', (o) => (o.groups = 12)],
      ['v', (o) => (o.v = (o.v as number[]).slice(1))],
      ['v[2]', (o) => ((o.v as unknown[])[2] = 'x')],
      ['v[2]', (o) => ((o.v as unknown[])[2] = 1e40)],
      ['trainableParams', (o) => (o.trainableParams = 12)],
      ['effectiveParams', (o) => (o.effectiveParams = 12)],
      ['prune.threshold', (o) => (o.prune = { threshold: 1 })],
      ['notes', (o) => (o.notes = 'hi')],
    ];
    for (const [field, spoil] of cases) {
      const o = plain(file);
      spoil(o);
      expect(fieldOf(() => parseAdapter(JSON.stringify(o))), field).toBe(field);
    }
    expect(fieldOf(() => parseAdapter('{"format":'))).toBe('(file)');
    expect(fieldOf(() => parseAdapter('[]'))).toBe('(file)');
    expect(() => parseAdapter(JSON.stringify({ ...plain(file), groups: 12 }))).toThrow('invalid adapter file: groups: is 12 but the structure has 13 tie groups');
  });

  it('refuses to write a bad adapter', () => {
    expect(() => serializeAdapter({ ...file, v: file.v.slice(2) })).toThrow(AdapterFileError);
    expect(() => serializeAdapter({ ...file, v: [NaN, ...file.v.slice(1)] })).toThrow(/v\[0\]/);
  });
});

describe('structureKey', () => {
  it('is shared by trials that differ only in v', () => {
    const a = buildAdapterFile({ baseModel: { hash: SHA256 }, structure: paper, v: trained(13, 1) });
    const b = buildAdapterFile({ baseModel: { hash: SHA256 }, structure: paper, v: trained(13, 2) });
    expect(structureKey(a.structure)).toBe(structureKey(b.structure));
    expect(structureKey(paper)).toBe('tinylora/1;layers=0-27;modules=q,k,v,o,gate,up,down;rank=2;u=1;tie=tiled:16;projectionSeed=0;svd=0:4');
  });

  it('ignores spelling, not meaning', () => {
    const k = structureKey(paper);
    expect(structureKey({ ...paper, layers: [...paper.layers].reverse(), modules: [...paper.modules].reverse() })).toBe(k);
    expect(structureKey({ ...paper, tie: { mode: 'tiled', n: 1 } })).toBe(structureKey({ ...paper, tie: { mode: 'none' } }));
    expect(structureKey({ ...paper, projectionSeed: 2 ** 32 })).toBe(k);
    const changes: Partial<AdapterStructure>[] = [
      { layers: [0, 1] },
      { modules: ['q'] },
      { rank: 4 },
      { u: 2 },
      { tie: { mode: 'structured', n: 16 } },
      { projectionSeed: 1 },
      { svd: { seed: 1, iterations: 4 } },
      { svd: { seed: 0, iterations: 5 } },
    ];
    for (const change of changes) expect(structureKey({ ...paper, ...change }), JSON.stringify(change)).not.toBe(k);
  });

  it('checks the structure', () => {
    expect(() => structureKey({ ...paper, rank: 0 })).toThrow(/structure\.rank/);
  });
});

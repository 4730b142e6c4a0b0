import { describe, expect, it } from 'vitest';
import type { GroupKeys, GroupMetric } from '@tinysweep/db';
import { ci95 } from '../replicates/config-summary.js';
import { compareValues, configLabeller, facets, grid, groupablePaths, pickPath, pool, series, varyingPaths, type ConfigTable } from './sweep-cube.js';

/** Metric of one config from its replicate values, as Postgres returns it (m2 = Σ(v − mean)²). */
function group(groupHash: string, values: number[]): GroupMetric {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { groupHash, n: values.length, mean, m2: values.reduce((s, v) => s + (v - mean) ** 2, 0), min: Math.min(...values), max: Math.max(...values) };
}

function sampleStd(values: number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}

// Three parameters: layers (2 values) × rank (2) × threshold (2); two seeds each.
const paths = ['adapter.layers', 'adapter.rank', 'prune.threshold', 'task.kind'];
const configs: { hash: string; keys: string[]; values: number[] }[] = [];
for (const layers of ['all', 'last:8'])
  for (const rank of ['1', '2'])
    for (const threshold of ['0', '0.3']) {
      const base = (layers === 'all' ? 0.6 : 0.5) + (rank === '2' ? 0.05 : 0) - Number(threshold) / 3;
      configs.push({ hash: `${layers}-${rank}-${threshold}`, keys: [layers, rank, threshold, 'arith'], values: [base - 0.01, base + 0.01] });
    }
const table: ConfigTable = {
  paths,
  groups: configs.map((c): GroupKeys => ({ groupHash: c.hash, trials: c.values.length + 1, keys: c.keys })),
  seeds: [
    { value: '1', count: 8 },
    { value: '2', count: 8 },
    { value: '3', count: 8 },
  ],
};
const metrics = new Map(configs.map((c) => [c.hash, group(c.hash, c.values)]));

describe('pool', () => {
  it('pools configs into the mean, sample std and t interval of all their values', () => {
    const a = [0.5, 0.52, 0.49];
    const b = [0.61, 0.6];
    const p = pool([group('a', a), group('b', b)])!;
    const all = [...a, ...b];
    expect(p.n).toBe(5);
    expect(p.configs).toBe(2);
    expect(p.mean).toBeCloseTo(all.reduce((s, v) => s + v, 0) / 5, 12);
    expect(p.std).toBeCloseTo(sampleStd(all), 12);
    expect(p.min).toBe(0.49);
    expect(p.max).toBe(0.61);
    const half = (2.776445105 * sampleStd(all)) / Math.sqrt(5); // t(0.975, 4)
    expect(p.ci95![0]).toBeCloseTo(p.mean - half, 6);
    expect(p.ci95![1]).toBeCloseTo(p.mean + half, 6);
  });

  it('keeps a tiny spread on a huge metric (no sum-of-squares cancellation)', () => {
    const values = [1e9 + 0.001, 1e9 + 0.002, 1e9 + 0.003, 1e9 + 0.004];
    const p = pool([group('a', values.slice(0, 2)), group('b', values.slice(2))])!;
    expect(p.std).toBeCloseTo(sampleStd(values), 6);
  });

  it('has no interval for a single value, and nothing for no values', () => {
    expect(pool([group('a', [0.3])])).toMatchObject({ n: 1, mean: 0.3, std: null, ci95: null });
    expect(pool([])).toBeNull();
    expect(ci95(1, 0.3, null)).toBeNull();
  });
});

describe('config tables', () => {
  it('orders values numerically, then as text, absent last', () => {
    expect(['10', '2', 'b', null, 'a', '0.5'].sort(compareValues)).toEqual(['0.5', '2', '10', 'a', 'b', null]);
  });

  it('finds the parameters that vary, and picks axes by preference', () => {
    expect(varyingPaths(table)).toEqual([0, 1, 2]);
    expect(groupablePaths(table)).toEqual([0, 1, 2]);
    expect(pickPath(table, [0, 1, 2], ['adapter.modules', 'adapter.rank'])).toBe(1);
    expect(pickPath(table, [0, 1, 2], ['adapter.rank'], 1)).toBe(0);
  });

  it('counts facet values in trials, seeds apart', () => {
    const f = facets(table);
    expect(f.map((x) => x.path)).toEqual(['adapter.layers', 'adapter.rank', 'prune.threshold', 'seed', 'task.kind']);
    expect(f[0]).toMatchObject({ distinct: 2, numeric: null, values: [{ value: 'all', count: 12 }, { value: 'last:8', count: 12 }] });
    expect(f[2]).toMatchObject({ distinct: 2, numeric: { min: 0, max: 0.3 } });
    expect(f[3]).toMatchObject({ path: 'seed', distinct: 3 });
    expect(f[4]).toMatchObject({ distinct: 1, values: [{ value: 'arith', count: 24 }] });
  });
});

describe('grid', () => {
  it('pools every config in a cell, seeds included', () => {
    const cells = grid(table, metrics, 0, 1);
    expect(cells.map((c) => [c.x, c.y])).toEqual([
      ['all', '1'],
      ['all', '2'],
      ['last:8', '1'],
      ['last:8', '2'],
    ]);
    const cell = cells[0]!;
    const values = configs.filter((c) => c.keys[0] === 'all' && c.keys[1] === '1').flatMap((c) => c.values);
    expect(cell.n).toBe(4);
    expect(cell.configs).toBe(2);
    expect(cell.mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / 4, 12);
    expect(cell.std).toBeCloseTo(sampleStd(values), 12);
  });

  it('groups by one parameter when there is no y', () => {
    const cells = grid(table, metrics, 2);
    expect(cells.map((c) => [c.x, c.y, c.n, c.configs])).toEqual([
      ['0', null, 8, 4],
      ['0.3', null, 8, 4],
    ]);
  });

  it('leaves out configs with no value yet', () => {
    const some = new Map([...metrics].slice(0, 2));
    expect(grid(table, some, 0).map((c) => c.n)).toEqual([4]);
  });
});

describe('series', () => {
  it('draws one line per config against x, best line first, labelled by what differs', () => {
    const s = series(table, metrics, 2, true, 2);
    expect(s.configs).toBe(4);
    expect(s.lines).toHaveLength(2);
    expect(s.lines[0]!.label).toBe('adapter.rank=2');
    expect(s.lines[0]!.config).toEqual({ 'adapter.layers': 'all', 'adapter.rank': '2' });
    expect(s.lines[0]!.points.map((p) => p.x)).toEqual(['0', '0.3']);
    expect(s.lines[0]!.points[0]!.mean).toBeCloseTo(0.65, 12);
    expect(s.lines[0]!.points[1]!.mean).toBeCloseTo(0.55, 12);
    expect(s.lines[0]!.best).toBeCloseTo(0.65, 12);
  });

  it('ranks lines the other way when smaller is better', () => {
    const s = series(table, metrics, 2, false, 1);
    expect(s.lines[0]!.config).toEqual({ 'adapter.layers': 'last:8', 'adapter.rank': '1' });
  });
});

describe('configLabeller', () => {
  it('labels a config by the parameters that vary across the sweep', () => {
    const labelOf = configLabeller(table);
    expect(labelOf(configs[0]!.keys)).toEqual({
      label: 'adapter.layers=all, adapter.rank=1, prune.threshold=0',
      config: { 'adapter.layers': 'all', 'adapter.rank': '1', 'prune.threshold': '0' },
    });
    expect(labelOf(undefined).label).toBe('adapter.layers=—, adapter.rank=—, prune.threshold=—');
    expect(configLabeller({ ...table, groups: table.groups.slice(0, 1) })(configs[0]!.keys)).toEqual({ label: 'the only config', config: {} });
  });
});

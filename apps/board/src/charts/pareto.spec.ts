import { describe, expect, it } from 'vitest';
import type { Scatter, ScatterPoint } from '@tinysweep/api-types';
import type { ChartColors } from '../theme';
import { paretoOption, sizeClasses } from './pareto';

const colors: ChartColors = { fg: '#000', muted: '#666', grid: '#ccc', bg: '#fff', accent: '#00f', front: '#f00', palette: ['#111', '#f00', '#333', '#444'], heat: [] };

/** Bins of a 100,000-trial scatter: [x, y, trials]. */
const bins: ScatterPoint[] = Array.from({ length: 2000 }, (_, i) => [10 + i, (i % 30) / 30, 1 + ((i * 7919) % 400)]);

describe('sizeClasses', () => {
  it('puts every bin in exactly one size, growing with its trial count', () => {
    const classes = sizeClasses(bins, 400);
    expect(classes.flatMap(([, points]) => points).length).toBe(bins.length);
    const sizeOf = new Map(classes.flatMap(([size, points]) => points.map((p) => [p, size] as const)));
    const one = bins.find((b) => b[2] === 1)!;
    const full = bins.find((b) => b[2] === 400)!;
    expect(sizeOf.get(one)).toBe(3);
    expect(sizeOf.get(full)).toBe(12);
    // More trials never draw smaller.
    const bySize = [...bins].sort((a, b) => (a[2] as number) - (b[2] as number)).map((b) => sizeOf.get(b)!);
    expect(bySize).toEqual([...bySize].sort((a, b) => a - b));
  });
});

describe('paretoOption', () => {
  const scatter = (binned: boolean, points: ScatterPoint[]): Scatter => ({
    column: 'trainable',
    total: points.length,
    zeroCount: 0,
    binned,
    points,
    front: [{ x: 10, y: 0.9, trialId: 't', ordinal: 1, params: {} }],
    methods: [{ method: 'tinylora', total: points.length, front: [] }],
  });
  const seriesOf = (s: Scatter) => (paretoOption(s, 'accuracy', true, 'trainable parameters')(colors) as { series: { type: string; name: string; large?: boolean; symbolSize: unknown; data: unknown[] }[] }).series;

  it('draws bins as large-mode series of one symbol size each, under one name', () => {
    const series = seriesOf(scatter(true, bins));
    const trials = series.filter((s) => s.type === 'scatter');
    expect(trials.length).toBeGreaterThan(1);
    expect(new Set(trials.map((s) => s.name))).toEqual(new Set(['trials (binned)']));
    expect(trials.every((s) => s.large === true && typeof s.symbolSize === 'number')).toBe(true);
    expect(trials.reduce((n, s) => n + s.data.length, 0)).toBe(bins.length);
    expect(series.filter((s) => s.type === 'line').map((s) => s.name)).toEqual(['Pareto front']);
  });

  it('draws single trials as one series', () => {
    const points: ScatterPoint[] = [[10, 0.5, 'a'], [20, 0.6, 'b']];
    expect(seriesOf(scatter(false, points)).map((s) => [s.type, s.name])).toEqual([['scatter', 'trials'], ['line', 'Pareto front']]);
  });
});

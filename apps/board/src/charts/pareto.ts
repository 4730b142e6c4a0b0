/**
 * The Pareto chart: the metric against a parameter count (log x), the front drawn over it. When the
 * sweep compares adapter methods (`methods` from GET /sweeps/:id/pareto), each method is its own
 * colour: its trials and its own front share a legend entry (toggled together), and the front over
 * all methods is drawn thin and dashed beneath them. The per-method fronts are what a comparison at
 * matched budgets reads (at a given x, which method's step is highest); the overall front is their
 * upper envelope, kept so it shows which method owns each stretch of the best trade-off.
 */
import type { EChartsCoreOption } from 'echarts/core';
import { esc, int, metric as fmt } from '../format';
import type { ChartColors } from '../theme';
import { axisStyle, paramsLine, tooltipStyle, zoom } from './options';
import type { Scatter, ScatterFrontPoint, ScatterPoint } from '@tinysweep/api-types';

type Obj = Record<string, unknown>;

/** Name of the front over all methods, when there are several. */
export const ALL_METHODS_FRONT = 'front, all methods';

/** A front as line data; counts of 0 are on the front but a log axis cannot draw them. */
const frontData = (front: readonly ScatterFrontPoint[]) => front.filter((f) => f.x > 0).map((f) => [f.x, f.y, f.trialId, f.ordinal]);

/** Each method's points, by the index GET /pareto gives each point: one pass over them. */
function pointsByMethod(s: Scatter): ScatterPoint[][] {
  const out: ScatterPoint[][] = s.methods.map(() => []);
  const of = s.pointMethod ?? [];
  s.points.forEach((p, i) => out[of[i] ?? 0]?.push(p));
  return out;
}

/** Symbol sizes a bin's trial count is rounded to (px): few enough that each is one large-mode series. */
const BIN_SIZES = [3, 5, 7, 9, 12];

/**
 * Bins by symbol size: the area grows with the trial count (3 px for one trial, 12 px for the
 * fullest bin), rounded to the nearest of BIN_SIZES. Sizes without bins are left out.
 */
export function sizeClasses(points: readonly ScatterPoint[], maxCount: number): [number, ScatterPoint[]][] {
  const classes: ScatterPoint[][] = BIN_SIZES.map(() => []);
  for (const p of points) {
    const size = 3 + 9 * Math.sqrt(((p[2] as number) ?? 1) / maxCount);
    let best = 0;
    for (let i = 1; i < BIN_SIZES.length; i++) if (Math.abs(BIN_SIZES[i]! - size) < Math.abs(BIN_SIZES[best]! - size)) best = i;
    classes[best]!.push(p);
  }
  return classes.flatMap((c, i) => (c.length > 0 ? [[BIN_SIZES[i]!, c] as [number, ScatterPoint[]]] : []));
}

export function paretoOption(s: Scatter, metricName: string, maximize: boolean, xName: string) {
  return (c: ChartColors): EChartsCoreOption => {
    const maxCount = s.binned ? Math.max(1, ...s.points.map((p) => p[2] as number)) : 1;
    const byMethod = s.methods.length > 1;
    // The palette without its second colour, which is the front's.
    const colour = (i: number) => [c.palette[0], ...c.palette.slice(2)][i % (c.palette.length - 1)]!;
    const params = new Map([...s.front, ...s.methods.flatMap((m) => m.front)].map((f) => [f.trialId, f.params]));
    const style = (color: string) => ({ itemStyle: { color, opacity: byMethod ? 0.35 : 0.45 }, cursor: s.binned ? 'default' : 'pointer' });
    // Bins are sized by their trial count. ECharts' large mode (one path per series instead of a
    // shape per symbol: the first chart's draw went from ~240 ms to ~40 ms here) takes one size per
    // series, so bins are drawn as a few series of one size each, sharing a name (one legend entry).
    const trials = (name: string, data: ScatterPoint[], color: string): Obj[] =>
      s.binned
        ? sizeClasses(data, maxCount).map(([size, points]) => ({ type: 'scatter', name, data: points, large: true, largeThreshold: 0, symbolSize: size, ...style(color) }))
        : [{ type: 'scatter', name, data, large: data.length > 2000, largeThreshold: 2000, symbolSize: 5, ...style(color) }];
    const front = (name: string, data: unknown[][], color: string, o: Obj = {}): Obj => ({
      type: 'line',
      name,
      data,
      step: 'end',
      symbol: 'circle',
      symbolSize: 8,
      z: 10,
      lineStyle: { color, width: 2 },
      itemStyle: { color },
      cursor: 'pointer',
      ...o,
    });
    const series = byMethod
      ? [
          ...pointsByMethod(s).flatMap((pts, i) => trials(s.methods[i]!.method, pts, colour(i))),
          front(ALL_METHODS_FRONT, frontData(s.front), c.front, { z: 9, symbol: 'none', lineStyle: { color: c.front, width: 4, opacity: 0.35 } }),
          ...s.methods.map((m, i) => front(m.method, frontData(m.front), colour(i))),
        ]
      : [...trials(s.binned ? 'trials (binned)' : 'trials', s.points, c.palette[0]!), front('Pareto front', frontData(s.front), c.front)];
    return {
      grid: { left: 56, right: 20, top: byMethod ? 40 : 28, bottom: 48 },
      ...(byMethod ? { legend: { top: 0, textStyle: { color: c.fg }, data: [...s.methods.map((m) => m.method), ALL_METHODS_FRONT] } } : {}),
      tooltip: {
        ...tooltipStyle(c),
        trigger: 'item',
        formatter: (p: { seriesType: string; seriesName: string; data: unknown[] }) => {
          const d = p.data;
          const method = byMethod && p.seriesName !== ALL_METHODS_FRONT ? `${esc(p.seriesName)} · ` : '';
          if (p.seriesType === 'line') {
            const f = params.get(d[2] as string);
            const title = byMethod ? (p.seriesName === ALL_METHODS_FRONT ? 'Pareto front, all methods' : `${esc(p.seriesName)} front`) : 'Pareto front';
            return `<b>${title}</b> · trial #${esc(d[3] as number)}<br>${esc(xName)}: ${int(d[0] as number)}<br>${esc(metricName)}: ${fmt(d[1] as number)}${f ? `<br>${paramsLine(f)}` : ''}`;
          }
          return s.binned
            ? `${method}${int(d[2] as number)} trials near<br>${esc(xName)} ≈ ${int(Math.round(d[0] as number))}<br>${esc(metricName)} ≈ ${fmt(d[1] as number)}`
            : `${method}trial<br>${esc(xName)}: ${int(d[0] as number)}<br>${esc(metricName)}: ${fmt(d[1] as number)}`;
        },
      },
      xAxis: { type: 'log', logBase: 10, name: xName, nameLocation: 'middle', nameGap: 28, ...axisStyle(c) },
      yAxis: { type: 'value', name: `${metricName} ${maximize ? '↑' : '↓'}`, scale: true, ...axisStyle(c) },
      dataZoom: zoom(),
      series,
    };
  };
}

/**
 * ECharts options for the board's plots, built from API data and the theme's colours. Pure:
 * nothing here touches the DOM, so each builder is cheap to call again when data or theme change.
 */
import type { EChartsCoreOption } from 'echarts/core';
import { esc, int, meanCi, metric as fmt } from '../format';
import type { ChartColors } from '../theme';
import type { Aggregate, ConfigPage, Curves, Series } from '@tinysweep/api-types';

type Obj = Record<string, unknown>;

export const axisStyle = (c: ChartColors): Obj => ({
  axisLine: { lineStyle: { color: c.muted } },
  axisLabel: { color: c.muted },
  splitLine: { lineStyle: { color: c.grid } },
  nameTextStyle: { color: c.muted },
});

export const tooltipStyle = (c: ChartColors): Obj => ({
  backgroundColor: c.bg,
  borderColor: c.grid,
  textStyle: { color: c.fg },
  confine: true,
});

export const zoom = (): Obj[] => [
  { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
  { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
];

/**
 * A custom series drawing vertical (or horizontal) error bars: each datum is
 * [position, lo, hi] on a value/category axis pair.
 */
function errorBars(name: string, data: (number | string)[][], color: string, horizontal = false): Obj {
  return {
    type: 'custom',
    name,
    silent: true,
    z: 2,
    data,
    encode: horizontal ? { x: [1, 2], y: 0 } : { x: 0, y: [1, 2] },
    renderItem: (_params: unknown, api: { value: (i: number) => number | string; coord: (p: (number | string)[]) => number[]; size: (p: number[]) => number[] }) => {
      const at = api.value(0);
      const lo = api.coord(horizontal ? [api.value(1), at] : [at, api.value(1)]);
      const hi = api.coord(horizontal ? [api.value(2), at] : [at, api.value(2)]);
      const cap = 4;
      const style = { stroke: color, lineWidth: 1.5 };
      return {
        type: 'group',
        children: horizontal
          ? [
              { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
              { type: 'line', shape: { x1: lo[0], y1: lo[1]! - cap, x2: lo[0], y2: lo[1]! + cap }, style },
              { type: 'line', shape: { x1: hi[0], y1: hi[1]! - cap, x2: hi[0], y2: hi[1]! + cap }, style },
            ]
          : [
              { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
              { type: 'line', shape: { x1: lo[0]! - cap, y1: lo[1], x2: lo[0]! + cap, y2: lo[1] }, style },
              { type: 'line', shape: { x1: hi[0]! - cap, y1: hi[1], x2: hi[0]! + cap, y2: hi[1] }, style },
            ],
      };
    },
  };
}

/** Relative luminance of a #rrggbb colour (0 black … 1 white). */
function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return 0.5;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h!, 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export const paramsLine = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .filter(([k]) => k !== 'seed')
    .map(([k, v]) => `${esc(k)}: ${esc(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
    .join('<br>');

/** Mean of the metric over two parameters (a heatmap), or over one (bars with 95% CIs). */
export function aggregateOption(a: Aggregate) {
  return (c: ChartColors): EChartsCoreOption => {
    const xs = [...new Set(a.cells.map((x) => x.x ?? '—'))];
    const cellTip = (i: number) => {
      const cell = a.cells[i]!;
      return (
        `${esc(a.x ?? '')} = <b>${esc(cell.x ?? '—')}</b>${a.y ? `<br>${esc(a.y)} = <b>${esc(cell.y ?? '—')}</b>` : ''}` +
        `<br>${esc(a.metric)}: <b>${meanCi(cell.mean, cell.ci95)}</b> (mean ± 95% CI)` +
        `<br>std ${fmt(cell.std)} · ${int(cell.n)} trials · ${int(cell.configs)} configs`
      );
    };
    if (a.y === null) {
      return {
        grid: { left: 56, right: 20, top: 28, bottom: 56 },
        tooltip: { ...tooltipStyle(c), trigger: 'item', formatter: (p: { dataIndex: number }) => cellTip(p.dataIndex) },
        xAxis: { type: 'category', data: xs, name: a.x ?? '', nameLocation: 'middle', nameGap: 32, ...axisStyle(c) },
        yAxis: { type: 'value', name: a.metric, scale: true, ...axisStyle(c) },
        series: [
          { type: 'bar', data: a.cells.map((x) => x.mean), itemStyle: { color: c.palette[0] } },
          errorBars('95% CI', a.cells.flatMap((x) => (x.ci95 ? [[x.x ?? '—', x.ci95[0], x.ci95[1]]] : [])), c.fg),
        ],
      };
    }
    const ys = [...new Set(a.cells.map((x) => x.y ?? '—'))];
    const means = a.cells.map((x) => x.mean);
    const lo = Math.min(...means);
    const hi = Math.max(...means);
    const lowIsLight = luminance(c.heat[0]!) > luminance(c.heat[c.heat.length - 1]!);
    return {
      grid: { left: 90, right: 20, top: 24, bottom: 96 },
      tooltip: { ...tooltipStyle(c), trigger: 'item', formatter: (p: { data: { value: number[] } }) => cellTip(p.data.value[3]!) },
      xAxis: { type: 'category', data: xs, name: a.x ?? '', nameLocation: 'middle', nameGap: 26, splitArea: { show: false }, ...axisStyle(c) },
      yAxis: { type: 'category', data: ys, name: a.y, nameLocation: 'end', ...axisStyle(c) },
      visualMap: {
        dimension: 2, // the mean (the last dimension is the cell's index, for the tooltip)
        min: lo,
        max: hi === lo ? lo + 1e-9 : hi,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        precision: 3,
        inRange: { color: c.heat },
        textStyle: { color: c.muted },
      },
      series: [
        {
          type: 'heatmap',
          // Label colour per cell: dark text on the light end of the scale, light text on the dark end.
          data: a.cells.map((x, i) => {
            const t = hi === lo ? 0.5 : (x.mean - lo) / (hi - lo);
            return { value: [xs.indexOf(x.x ?? '—'), ys.indexOf(x.y ?? '—'), x.mean, i], label: { color: (t > 0.55) === lowIsLight ? '#ffffff' : '#111111' } };
          }),
          label: { show: a.cells.length <= 120, formatter: (p: { data: { value: number[] } }) => fmt(p.data.value[2]) },
          itemStyle: { borderColor: c.bg, borderWidth: 1 },
          emphasis: { itemStyle: { borderColor: c.fg, borderWidth: 2 } },
        },
      ],
    };
  };
}

/** Learning curves of a few trials, overlaid. */
export function curvesOption(curves: Curves, curveMetric: string) {
  return (c: ChartColors): EChartsCoreOption => ({
    grid: { left: 56, right: 20, top: 40, bottom: 44 },
    legend: { type: 'scroll', top: 0, textStyle: { color: c.fg }, pageTextStyle: { color: c.muted } },
    tooltip: { ...tooltipStyle(c), trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 26, ...axisStyle(c) },
    yAxis: { type: 'value', name: curveMetric, scale: true, ...axisStyle(c) },
    dataZoom: zoom(),
    color: c.palette,
    series: curves.trials.map((t) => ({
      type: 'line',
      name: `#${t.ordinal}`,
      showSymbol: t.points.length < 40,
      data: t.points.filter((p) => typeof p.metrics[curveMetric] === 'number').map((p) => [p.step, p.metrics[curveMetric]]),
    })),
  });
}

const numericAxis = (values: (string | null)[]) => values.length > 0 && values.every((v) => v !== null && v.trim() !== '' && Number.isFinite(Number(v)));

/** The metric against one parameter, one line per config, 95% CIs as bars: the pruning curve. */
export function seriesOption(s: Series) {
  return (c: ChartColors): EChartsCoreOption => {
    const xValues = s.lines.flatMap((l) => l.points.map((p) => p.x));
    const numeric = numericAxis(xValues);
    const categories = numeric ? undefined : [...new Set(xValues.map((x) => x ?? '—'))];
    const xOf = (x: string | null) => (numeric ? Number(x) : (x ?? '—'));
    return {
      grid: { left: 56, right: 20, top: 48, bottom: 44 },
      legend: { type: 'scroll', top: 0, textStyle: { color: c.fg }, pageTextStyle: { color: c.muted }, formatter: (n: string) => (n.length > 60 ? `${n.slice(0, 57)}…` : n) },
      tooltip: {
        ...tooltipStyle(c),
        trigger: 'item',
        formatter: (p: { data: number[] }) => {
          const line = s.lines[p.data[2]!];
          const point = line?.points[p.data[3]!];
          if (!line || !point) return '';
          return `${esc(line.label)}<br>${esc(s.x ?? '')} = <b>${esc(point.x ?? '—')}</b><br>${esc(s.metric)}: <b>${meanCi(point.mean, point.ci95)}</b> (mean ± 95% CI)<br>${int(point.n)} trials · ${int(point.configs)} configs`;
        },
      },
      xAxis: numeric
        ? { type: 'value', name: s.x ?? '', nameLocation: 'middle', nameGap: 26, scale: true, ...axisStyle(c) }
        : { type: 'category', data: categories, name: s.x ?? '', nameLocation: 'middle', nameGap: 26, ...axisStyle(c) },
      yAxis: { type: 'value', name: s.metric, scale: true, ...axisStyle(c) },
      color: c.palette,
      series: s.lines.flatMap((l, i) => {
        const color = c.palette[i % c.palette.length]!;
        return [
          {
            type: 'line',
            name: l.label,
            symbolSize: 6,
            itemStyle: { color },
            data: l.points.map((p, j) => [xOf(p.x), p.mean, i, j]),
          },
          errorBars(l.label, l.points.flatMap((p) => (p.ci95 ? [[xOf(p.x), p.ci95[0], p.ci95[1]]] : [])), color),
        ];
      }),
    };
  };
}

/**
 * Which interval a config's bar shows: for an accuracy, the pooled Wilson interval over all held-out
 * items of all seeds (in [0, 1]); else the t-interval of the mean over seeds (given from 3 seeds).
 */
export function configInterval(s: { ci95: [number, number] | null; pooled?: { ci95: [number, number]; items: number } | null; n: number }): { ci: [number, number] | null; label: string } {
  if (s.pooled) return { ci: s.pooled.ci95, label: `pooled Wilson 95% over ${int(s.pooled.items)} held-out items of ${int(s.n)} seed${s.n === 1 ? '' : 's'}` };
  return { ci: s.ci95, label: s.ci95 ? `t 95% of the mean over ${int(s.n)} seeds` : `no interval over ${int(s.n)} seed${s.n === 1 ? '' : 's'} (t from 3)` };
}

/** Configs ranked by mean: mean with its interval (see configInterval), and each seed's value as a dot (configs with a result only). */
export function replicatesOption(page: ConfigPage, offset: number) {
  const items = page.items.flatMap((g) => (g.summary ? [{ ...g, ...g.summary, values: g.values ?? [], interval: configInterval(g.summary) }] : []));
  const r = { metric: page.metric, items };
  return (c: ChartColors): EChartsCoreOption => {
    const rows = r.items.map((_, i) => `#${offset + i + 1}`);
    return {
      grid: { left: 48, right: 20, top: 16, bottom: 40 },
      tooltip: {
        ...tooltipStyle(c),
        trigger: 'item',
        formatter: (p: { seriesIndex: number; data: unknown[] }) => {
          const row = rows.indexOf(p.data[p.seriesIndex === 2 ? 1 : 0] as string);
          const g = r.items[row];
          if (!g) return '';
          const head = `<b>${esc(rows[row])}</b> ${esc(g.label)}`;
          if (p.seriesIndex === 2) return `${head}<br>seed ${esc(p.data[3] as number)}: ${fmt(p.data[0] as number)} (click to open the trial)`;
          return `${head}<br>${esc(r.metric)}: <b>${meanCi(g.mean, g.interval.ci)}</b> (mean, ${esc(g.interval.label)})<br>seed spread: std ${fmt(g.std)} · ${int(g.n)} seeds · min ${fmt(g.min)} · max ${fmt(g.max)}${g.pooled && g.ci95 ? ` · t 95% ${meanCi(g.mean, g.ci95)}` : ''}`;
        },
      },
      xAxis: { type: 'value', name: r.metric, nameLocation: 'middle', nameGap: 26, scale: true, ...axisStyle(c) },
      yAxis: { type: 'category', data: rows, inverse: true, ...axisStyle(c) },
      series: [
        errorBars('95% interval', r.items.flatMap((g, i) => (g.interval.ci ? [[rows[i]!, g.interval.ci[0], g.interval.ci[1]]] : [])), c.fg, true),
        { type: 'scatter', name: 'mean', symbol: 'diamond', symbolSize: 11, z: 5, itemStyle: { color: c.front }, data: r.items.map((g, i) => [rows[i], g.mean]), encode: { x: 1, y: 0 } },
        {
          type: 'scatter',
          name: 'seeds',
          symbolSize: 6,
          z: 4,
          itemStyle: { color: c.palette[0], opacity: 0.6 },
          cursor: 'pointer',
          data: r.items.flatMap((g, i) => g.values.map((t) => [t.value, rows[i], t.trialId, t.seed])),
        },
      ],
    };
  };
}

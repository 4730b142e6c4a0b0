/**
 * An ECharts chart on a canvas. Tens of thousands of points stay one <canvas>, never DOM nodes.
 * The option is built by the caller from the theme's colours; the chart resizes with its box.
 */
import type { ECharts, EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef } from 'preact/hooks';
import { chartColors, useTheme, type ChartColors } from '../theme';

type EchartsModule = typeof import('./echarts-setup');
let loading: Promise<EchartsModule> | undefined;
const loadEcharts = () => (loading ??= import('./echarts-setup'));

export interface ChartProps {
  /** Builds the option for the current theme's colours; called again when the theme changes. */
  option: (c: ChartColors) => EChartsCoreOption;
  /** What the chart shows, for screen readers. */
  label: string;
  height?: number;
  /** A data point clicked: its series' `data` item and the series index. */
  onPointClick?: (data: unknown, seriesIndex: number) => void;
}

export function Chart({ option, label, height = 300, onPointClick }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const click = useRef(onPointClick);
  click.current = onPointClick;
  const latest = useRef({ option, label });
  latest.current = { option, label };
  const theme = useTheme();

  const draw = () => {
    const c = chart.current;
    if (!c) return;
    const colors = chartColors();
    const { option: build, label: text } = latest.current;
    const built = build(colors) as Record<string, unknown>;
    c.setOption(
      {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { color: colors.fg, fontFamily: 'inherit' },
        aria: { enabled: true, label: { description: text } },
        ...built,
      },
      { notMerge: true },
    );
    box.current?.setAttribute('data-drawn', 'true');
    // The series drawn, by name, for tests and tools that cannot read the canvas.
    const series = Array.isArray(built.series) ? (built.series as { name?: string }[]) : [];
    box.current?.setAttribute('data-series', series.map((s) => s.name ?? '').join('|'));
    const legend = (built.legend as { data?: string[] } | undefined)?.data;
    if (legend) box.current?.setAttribute('data-legend', legend.join('|'));
    else box.current?.removeAttribute('data-legend');
  };

  useEffect(() => {
    let disposed = false;
    let ro: ResizeObserver | undefined;
    void loadEcharts().then(({ echarts }) => {
      if (disposed || !box.current) return;
      const c = echarts.init(box.current, null, { renderer: 'canvas' });
      chart.current = c;
      c.on('click', (p) => click.current?.((p as { data?: unknown }).data, (p as { seriesIndex?: number }).seriesIndex ?? 0));
      // The first callback (on observe) and any that leave the size as it is would redraw the
      // whole chart for nothing.
      ro = new ResizeObserver(() => {
        const el = box.current;
        if (el && (el.clientWidth !== c.getWidth() || el.clientHeight !== c.getHeight())) c.resize();
      });
      ro.observe(box.current);
      draw();
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  // A new label alone (the sweep's metric name arriving after the data) is not worth a redraw:
  // the box's aria-label follows it, and the chart's own description catches up on the next draw.
  useEffect(draw, [option, theme]);

  return <div class="chart" ref={box} style={{ height: `${height}px` }} role="img" aria-label={label} />;
}

import { useEffect, useMemo } from 'preact/hooks';
import { withQuery } from '../api';
import { Card, Empty, ErrorNote } from '../components/bits';
import { Chart } from '../components/chart';
import { int } from '../format';
import { useFetch } from '../hooks';
import type { ChartColors } from '../theme';
import type { ParameterImportanceView } from '@tinysweep/api-types';
import type { ChartCardProps } from './sweep-charts';

/** Horizontal bars: each parameter's share of the surrogate's variance, largest on top. */
function importanceOption(v: ParameterImportanceView) {
  return (c: ChartColors) => {
    const rows = [...v.importance].reverse(); // ECharts draws a category axis bottom-up
    return {
      grid: { left: 150, right: 48, top: 12, bottom: 36 },
      tooltip: { trigger: 'item', backgroundColor: c.bg, borderColor: c.grid, textStyle: { color: c.fg }, confine: true, valueFormatter: (x: number) => `${(100 * x).toFixed(1)}% of the variance` },
      xAxis: { type: 'value', min: 0, max: 1, name: 'share of variance', nameLocation: 'middle', nameGap: 24, axisLabel: { color: c.muted, formatter: (x: number) => `${Math.round(100 * x)}%` }, splitLine: { lineStyle: { color: c.grid } }, nameTextStyle: { color: c.muted } },
      yAxis: { type: 'category', data: rows.map((r) => r.path), axisLabel: { color: c.fg }, axisLine: { lineStyle: { color: c.muted } } },
      series: [{ type: 'bar', data: rows.map((r) => r.importance), itemStyle: { color: c.palette[0] }, label: { show: true, position: 'right', color: c.muted, formatter: (p: { value: number }) => `${Math.round(100 * p.value)}%` } }],
    };
  };
}

/** Which parameters mattered (GET /sweeps/:id/importance): fANOVA main effects of a random-forest surrogate. */
export function ImportanceCard({ sweepId, metric, metricParam, version, onReady }: ChartCardProps) {
  const { data, error, loading } = useFetch<ParameterImportanceView>(withQuery(`/sweeps/${sweepId}/importance`, { metric: metricParam }), version);
  useEffect(() => onReady('importance', (data !== undefined || error !== undefined) && !loading), [data, error, loading]);
  const option = useMemo(() => (data && data.importance.length > 0 ? importanceOption(data) : null), [data]);
  return (
    <Card title="Parameter importance" id="importance">
      <ErrorNote error={error} />
      {data && data.configs < data.minConfigs ? (
        <Empty>
          Needs {data.minConfigs} measured configurations with {metric}; {int(data.configs)} so far.
        </Empty>
      ) : data && data.importance.length === 0 ? (
        <Empty>No parameter varies in this sweep.</Empty>
      ) : option ? (
        <>
          <Chart option={option} label={`share of the variance of ${data!.metric} each parameter explains`} height={Math.max(160, 40 + 32 * data!.importance.length)} />
          <p class="muted small">
            fANOVA main effects of a random-forest fitted to {int(data!.configs)} measured configs (seeds pooled); interactions account for {Math.round(100 * data!.interactions)}%.
          </p>
        </>
      ) : (
        <div class="chart-placeholder" />
      )}
    </Card>
  );
}

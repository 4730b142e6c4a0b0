import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, withQuery } from '../api';
import { aggregateOption, curvesOption, replicatesOption, seriesOption } from '../charts/options';
import { paretoOption } from '../charts/pareto';
import { Card, Empty, ErrorNote, Select } from '../components/bits';
import { Chart } from '../components/chart';
import { int } from '../format';
import { preload, useFetch } from '../hooks';
import { navigate, paths } from '../router';
import type { Aggregate, ConfigPage, Curves, Facets, Pareto, Series } from '@tinysweep/api-types';

const PRUNING_LINES = 8;
const REPLICATE_PAGE = 15;

/** What each card asks the API for, given the choices made on it (none: the server picks). */
export const chartUrls = {
  facets: (sweepId: string) => `/sweeps/${sweepId}/facets`,
  aggregate: (sweepId: string, axes: { x: string; y: string } | null, metric: string | undefined) =>
    withQuery(`/sweeps/${sweepId}/aggregate`, { x: axes ? `params.${axes.x}` : undefined, y: axes?.y ? `params.${axes.y}` : undefined, metric }),
  series: (sweepId: string, x: string, metric: string | undefined) => withQuery(`/sweeps/${sweepId}/series`, { x: x ? `params.${x}` : undefined, metric, limit: PRUNING_LINES }),
  configs: (sweepId: string, metric: string | undefined, offset: number) => withQuery(`/sweeps/${sweepId}/configs`, { metric, limit: REPLICATE_PAGE, offset, values: 'true' }),
};

/**
 * Asks for what the page first draws from the sweep's configs (facets, heatmap, pruning curves,
 * replicates) in one request, GET /sweeps/:id/board, and hands each part to the card that would
 * have asked for it: one of the browser's six connections to the API instead of four while the
 * sweep's pass runs, so the page's other requests are not kept waiting. Call before the cards mount.
 */
export function preloadSweepCharts(sweepId: string): void {
  const board = api.get<{ facets: Facets; aggregate: Aggregate; series: Series; configs: ConfigPage }>(`/sweeps/${sweepId}/board`);
  preload({
    [chartUrls.facets(sweepId)]: board.then((b) => b.facets),
    [chartUrls.aggregate(sweepId, null, undefined)]: board.then((b) => b.aggregate),
    [chartUrls.series(sweepId, '', undefined)]: board.then((b) => b.series),
    [chartUrls.configs(sweepId, undefined, 0)]: board.then((b) => b.configs),
  });
}

export interface ChartCardProps {
  sweepId: string;
  /** The metric's name, for titles. */
  metric: string;
  /** The metric the user chose; undefined: the sweep's objective (the server knows it). */
  metricParam: string | undefined;
  version: number;
  facets: Facets | undefined;
  onReady: (name: string, ready: boolean) => void;
}

function useReport(name: string, ready: boolean, onReady: ChartCardProps['onReady']) {
  useEffect(() => onReady(name, ready), [ready]);
}

const openTrial = (id: unknown) => {
  if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) navigate(paths.trial(id));
};

/** Parameters worth grouping by: those that vary, with few enough values to be categories. */
function groupable(facets: Facets | undefined) {
  return (facets?.params ?? []).filter((f) => f.path !== 'seed' && f.distinct > 1 && f.distinct <= 60);
}

/** The metric against trainable and effective parameters (log x), Pareto fronts highlighted. */
export function ParetoCards({ sweepId, metric, metricParam, version, onReady }: ChartCardProps) {
  const { data, error, loading } = useFetch<Pareto>(withQuery(`/sweeps/${sweepId}/pareto`, { metric: metricParam }), version);
  useReport('pareto', data !== undefined && !loading, onReady);
  const trainable = useMemo(() => (data ? paretoOption(data.trainable, data.metric, data.maximize, 'trainable parameters') : null), [data]);
  const effective = useMemo(() => (data ? paretoOption(data.effective, data.metric, data.maximize, 'effective parameters') : null), [data]);
  const note = (s: Pareto['trainable']) => {
    const atZero = s.front.filter((f) => f.x <= 0).length;
    const methods = s.methods.length > 1 ? ` · by adapter method: ${s.methods.map((m) => `${m.method} ${int(m.total)} (front of ${m.front.length})`).join(', ')}` : '';
    return `${int(s.total)} trials${s.binned ? ', drawn as bins (size = trials)' : ''} · front of ${s.front.length}${methods}${s.zeroCount ? ` · ${int(s.zeroCount)} with 0 left out (log axis${atZero ? `; ${atZero} of them on the front` : ''})` : ''}`;
  };
  const card = (title: string, key: 'trainable' | 'effective', option: typeof trainable) => (
    <Card title={title} id={`pareto-${key}`}>
      <ErrorNote error={error} />
      {data && data[key].total === 0 ? (
        <Empty>No succeeded trial reports {key} parameters with {metric} yet.</Empty>
      ) : option ? (
        <>
          <Chart option={option} label={`${data!.metric} against ${key} parameters, log scale, with the Pareto front`} onPointClick={(d) => Array.isArray(d) && openTrial(d[2])} />
          <p class="muted small">{note(data![key])}. Scroll to zoom; click a front point to open its trial.</p>
        </>
      ) : (
        <div class="chart-placeholder" />
      )}
    </Card>
  );
  return (
    <>
      {card(`${metric} vs trainable parameters`, 'trainable', trainable)}
      {card(`${metric} vs effective parameters`, 'effective', effective)}
    </>
  );
}

/** Mean of the metric over two chosen parameters, averaged over seeds; mean ± 95% CI on hover. */
export function HeatmapCard({ sweepId, metric, metricParam, version, facets, onReady }: ChartCardProps) {
  const options = groupable(facets);
  // Until the user picks axes the server picks them (layer selection × rank when varied).
  const [axes, setAxes] = useState<{ x: string; y: string } | null>(null);
  const { data, error, loading } = useFetch<Aggregate>(chartUrls.aggregate(sweepId, axes, metricParam), version);
  useReport('heatmap', data !== undefined && !loading, onReady);
  const option = useMemo(() => (data && data.x !== null && data.cells.length > 0 ? aggregateOption(data) : null), [data]);
  const xPath = axes?.x ?? data?.x ?? '';
  const yPath = axes ? axes.y : (data?.y ?? '');
  const choices = options.map((o) => ({ value: o.path, label: `${o.path} (${o.distinct})` }));
  return (
    <Card
      title={`${metric} by parameter`}
      id="heatmap"
      actions={
        options.length > 0 && xPath ? (
          <>
            <Select id="heatmap-x" label="x" value={xPath} options={choices} onChange={(x) => setAxes({ x, y: x === yPath ? '' : yPath })} />
            <Select
              id="heatmap-y"
              label="y"
              value={yPath || '-'}
              options={[{ value: '-', label: 'none (bars)' }, ...choices.filter((c) => c.value !== xPath)]}
              onChange={(y) => setAxes({ x: xPath, y: y === '-' ? '' : y })}
            />
          </>
        ) : null
      }
    >
      <ErrorNote error={error} />
      {data && data.x === null ? (
        <Empty>No parameter varies in this sweep.</Empty>
      ) : data && data.cells.length === 0 ? (
        <Empty>No succeeded trial has {metric} yet.</Empty>
      ) : option ? (
        <>
          <Chart option={option} label={`mean ${data!.metric} by ${data!.x}${data!.y ? ` and ${data!.y}` : ''}, pooled over seeds`} height={320} />
          <p class="muted small">Each cell pools every succeeded trial with those values (all seeds); hover for mean ± 95% CI.</p>
        </>
      ) : (
        <div class="chart-placeholder" />
      )}
    </Card>
  );
}

/** Learning curves of the trials ticked in the table (else the best five), overlaid. */
export function CurvesCard({ sweepId, version, facets, onReady, selected }: ChartCardProps & { selected: Set<string> }) {
  const names = facets?.curveMetrics ?? [];
  const [chosen, setChosen] = useState('');
  const curveMetric = chosen || names.find((n) => n === 'loss') || names[0] || '';
  const ids = [...selected].slice(0, 50);
  const { data, error, loading } = useFetch<Curves>(withQuery(`/sweeps/${sweepId}/curves`, { trialIds: ids.join(','), top: 5 }), version);
  useReport('curves', data !== undefined && !loading, onReady);
  const option = useMemo(() => (data && curveMetric ? curvesOption(data, curveMetric) : null), [data, curveMetric]);
  return (
    <Card
      title="Learning curves"
      id="curves"
      actions={names.length > 1 ? <Select id="curve-metric" label="metric" value={curveMetric} options={names.map((n) => ({ value: n, label: n }))} onChange={setChosen} /> : null}
    >
      <ErrorNote error={error} />
      {data && (data.trials.length === 0 || !curveMetric) ? (
        <Empty>No curve points yet.</Empty>
      ) : option ? (
        <>
          <Chart option={option} label={`learning curves (${curveMetric}) of ${data!.trials.length} trials`} />
          <p class="muted small">{data!.chosen === 'best' ? 'The five best trials; tick trials in the table to compare others.' : `${data!.trials.length} ticked trials.`}</p>
        </>
      ) : (
        <div class="chart-placeholder" />
      )}
    </Card>
  );
}

/** The metric against the pruning threshold (or any chosen parameter), one line per config. */
export function PruningCard({ sweepId, metric, metricParam, version, facets, onReady }: ChartCardProps) {
  const options = groupable(facets);
  const [chosen, setChosen] = useState('');
  const { data, error, loading } = useFetch<Series>(chartUrls.series(sweepId, chosen, metricParam), version);
  useReport('pruning', data !== undefined && !loading, onReady);
  const option = useMemo(() => (data && data.lines.length > 0 ? seriesOption(data) : null), [data]);
  const xPath = chosen || data?.x || '';
  const pruned = options.some((o) => o.path === 'prune.threshold') || data?.x === 'prune.threshold';
  return (
    <Card
      title={xPath === 'prune.threshold' ? 'Pruning curve' : `${metric} against ${xPath || 'a parameter'}`}
      id="pruning"
      actions={options.length > 0 && xPath ? <Select id="series-x" label="x" value={xPath} options={options.map((o) => ({ value: o.path, label: o.path }))} onChange={setChosen} /> : null}
    >
      <ErrorNote error={error} />
      {data && !data.present ? (
        <Empty>No parameter varies in this sweep.</Empty>
      ) : data && data.lines.length === 0 ? (
        <Empty>No succeeded trial has {metric} yet.</Empty>
      ) : option ? (
        <>
          <Chart option={option} label={`${data!.metric} against ${data!.x}, one line per config`} height={320} />
          <p class="muted small">
            {pruned ? '' : 'This sweep does not vary prune.threshold. '}The {data!.lines.length} best of {int(data!.configs)} configs (every other parameter fixed), seeds pooled; bars are 95% CIs.
          </p>
        </>
      ) : (
        <div class="chart-placeholder" />
      )}
    </Card>
  );
}

/** Configs ranked by mean over seeds: mean ± 95% CI, each seed as a dot. */
export function ReplicatesCard({ sweepId, metric, metricParam, version, onReady }: ChartCardProps) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useFetch<ConfigPage>(chartUrls.configs(sweepId, metricParam, offset), version);
  useReport('replicates', data !== undefined && !loading, onReady);
  // Configs are ranked with those that have a result first: a page holds those, and maybe the first without.
  const shown = data?.items.filter((g) => g.summary !== null) ?? [];
  const option = useMemo(() => (data && data.items.some((g) => g.summary) ? replicatesOption(data, offset) : null), [data, offset]);
  return (
    <Card
      title="Replicate spread per config"
      id="replicates"
      actions={
        data && data.withResult > REPLICATE_PAGE ? (
          <div class="pager pager-small">
            <button type="button" class="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - REPLICATE_PAGE))} aria-label="Better configs">
              ←
            </button>
            <span class="small">
              {offset + 1}–{Math.min(offset + REPLICATE_PAGE, data.withResult)} of {int(data.withResult)}
            </span>
            <button type="button" class="btn" disabled={offset + REPLICATE_PAGE >= data.withResult} onClick={() => setOffset(offset + REPLICATE_PAGE)} aria-label="Worse configs">
              →
            </button>
          </div>
        ) : null
      }
    >
      <ErrorNote error={error} />
      {data && shown.length === 0 ? (
        <Empty>No succeeded trial has {metric} yet.</Empty>
      ) : option ? (
        <>
          <p class="small muted" data-role="interval-note">
            {shown.some((g) => g.summary?.pooled)
              ? 'Bars: pooled Wilson 95% interval of all hits over all held-out items of all seeds (how precisely each accuracy is measured); dots: each seed.'
              : 'Bars: t 95% interval of the mean over seeds (from 3 seeds); dots: each seed.'}
          </p>
          <Chart option={option} label={`configs ranked by mean ${data!.metric}, with 95% intervals`} height={Math.max(220, 60 + shown.length * 22)} onPointClick={(d) => Array.isArray(d) && openTrial(d[2])} />
          <details class="small">
            <summary>Configs on this page</summary>
            <ol start={offset + 1} class="config-list">
              {shown.map((g) => (
                <li key={g.groupHash}>{g.label}</li>
              ))}
            </ol>
          </details>
        </>
      ) : (
        <div class="chart-placeholder" />
      )}
    </Card>
  );
}

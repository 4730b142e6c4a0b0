import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, needsToken, withQuery } from '../api';
import { ErrorNote, Progress, StatusBadge } from '../components/bits';
import { askForToken, tokenReason } from '../components/token-dialog';
import { ago, dateTime, int, metric as fmt } from '../format';
import { useFetch, useThrottledVersion } from '../hooks';
import { newerSweep, useSweepEvents } from '../live';
import { Link, paths } from '../router';
import { TERMINAL_TRIAL_STATUSES, type Facets, type Sweep, type TrainerNode, type Trial } from '@tinysweep/api-types';
import { WorkLine } from './nodes-page';
import { chartUrls, CurvesCard, HeatmapCard, ParetoCards, preloadSweepCharts, PruningCard, ReplicatesCard } from './sweep-charts';
import { TrialsTable, tableStateFrom } from './trials-table';
import { ReproductionFact, VerdictHistoryCard } from './verdict-history';

const SECTIONS = ['sweep', 'facets', 'table', 'pareto', 'heatmap', 'curves', 'pruning', 'replicates', 'verdicts'];

/**
 * One sweep: summary, plots and the trials table, kept current by the sweep's event stream
 * (the table within a second of a change, the plots within three) without a reload.
 */
export function SweepPage({ id }: { id: string }) {
  const [tableVersion, bumpTable] = useThrottledVersion(1000);
  const [chartVersion, bumpCharts] = useThrottledVersion(3000);
  const initial = useRef(tableStateFrom(new URLSearchParams(location.search)));
  // Before the cards mount and ask for them one by one (see preloadSweepCharts).
  useState(() => preloadSweepCharts(id));
  // Read once; the event stream keeps it current (its final summary always comes: see live.ts).
  const sweepRes = useFetch<Sweep>(`/sweeps/${id}`);
  const facetsRes = useFetch<Facets>(chartUrls.facets(id), chartVersion);
  const [sweep, setSweep] = useState<Sweep | undefined>(undefined);
  const [live, setLive] = useState(() => new Map<string, Trial>());
  const [selected, setSelected] = useState(() => new Set<string>());
  const [chosenMetric, setChosenMetric] = useState('');
  const [ready, setReady] = useState<Record<string, boolean>>({});
  const [cancelState, setCancelState] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [actionError, setActionError] = useState<Error | undefined>(undefined);

  useEffect(() => {
    if (sweepRes.data) setSweep((shown) => newerSweep(shown, sweepRes.data!));
  }, [sweepRes.data]);

  useSweepEvents(id, (e) => {
    if (e.type === 'sweep') setSweep((shown) => newerSweep(shown, e.sweep));
    else if (e.type === 'trial') {
      setLive((m) => {
        // The latest pushed state of each trial wins over an older page; keep the most recent 2,000.
        const next = new Map(m);
        next.delete(e.trial.id);
        next.set(e.trial.id, e.trial);
        if (next.size > 2000) next.delete(next.keys().next().value as string);
        return next;
      });
      bumpTable();
      if (TERMINAL_TRIAL_STATUSES.includes(e.trial.status)) bumpCharts();
    }
  });

  const report = useCallback((name: string, ok: boolean) => setReady((r) => (r[name] === ok ? r : { ...r, [name]: ok })), []);
  useEffect(() => report('sweep', sweep !== undefined), [sweep]);
  useEffect(() => report('facets', facetsRes.data !== undefined || facetsRes.error !== undefined), [facetsRes.data, facetsRes.error]);
  const allReady = SECTIONS.every((s) => ready[s]);

  const s = sweep;
  const facets = facetsRes.data;
  const metric = chosenMetric || s?.metric || facets?.metric || 'metric';
  const running = s && (s.status === 'queued' || s.status === 'running');
  // What each trainer is doing for this sweep, re-read as its trials change while it runs.
  const nodesRes = useFetch<{ items: TrainerNode[] }>(running ? '/nodes' : null, tableVersion);
  const work = (nodesRes.data?.items ?? []).flatMap((n) => (n.work ?? []).filter((w) => w.sweepId === id).map((w) => ({ node: n.id, w })));

  const cancel = async () => {
    if (cancelState === 'idle') {
      setCancelState('confirm');
      setTimeout(() => setCancelState((c) => (c === 'confirm' ? 'idle' : c)), 5000);
      return;
    }
    setCancelState('busy');
    setActionError(undefined);
    try {
      await api.post(`/sweeps/${id}/cancel`);
      sweepRes.reload();
    } catch (err) {
      if (needsToken(err)) askForToken(tokenReason(err, 'Cancelling'));
      setActionError(err as Error);
    } finally {
      setCancelState('idle');
    }
  };

  const toggle = (trialId: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(trialId)) next.delete(trialId);
      else if (next.size < 50) next.add(trialId);
      return next;
    });

  if (sweepRes.error && !s) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>Sweep</h1>
        <ErrorNote error={sweepRes.error} />
        <Link href={paths.sweeps()}>All sweeps</Link>
      </div>
    );
  }

  const chartProps = { sweepId: id, metric, metricParam: chosenMetric || undefined, version: chartVersion, facets, onReady: report };
  return (
    <div class="page" data-page="sweep" data-state={allReady ? 'ready' : 'loading'}>
      <div class="page-head">
        <nav aria-label="Breadcrumb" class="crumbs">
          <Link href={paths.sweeps()}>Sweeps</Link> /
        </nav>
        <div class="title-row">
          <h1 tabIndex={-1}>{s?.name ?? 'Sweep'}</h1>
          {s ? <StatusBadge status={s.status} /> : null}
          <span class="live-dot" title="Updates live from the sweep's event stream" aria-hidden="true" />
          <div class="spacer" />
          {running ? (
            <button type="button" class={`btn ${cancelState === 'confirm' ? 'btn-danger' : ''}`} onClick={cancel} disabled={cancelState === 'busy'} data-action="cancel-sweep">
              {cancelState === 'confirm' ? 'Click again to cancel' : 'Cancel sweep'}
            </button>
          ) : null}
        </div>
        <ErrorNote error={actionError} />
        {s ? (
          <dl class="facts">
            <div>
              <dt>Progress</dt>
              <dd>
                <Progress counts={s.counts} total={s.trialCount} trainings={s.trainings} />
              </dd>
            </div>
            <div>
              <dt>Best {s.metric}</dt>
              <dd>
                {s.best ? (
                  <Link href={paths.trial(s.best.trialId)}>
                    <span class="mono">{fmt(s.best.value)}</span>
                  </Link>
                ) : (
                  '—'
                )}{' '}
                <span class="muted small">{s.maximize ? 'higher is better' : 'lower is better'}</span>
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd title={dateTime(s.createdAt)}>{ago(s.createdAt)}</dd>
            </div>
            <div>
              <dt>Trials</dt>
              <dd>
                {int(s.trialCount)}
                {s.trainings?.total ? (
                  <span class="muted small" title="Trials that differ only in prune train once; each then prunes and evaluates the trained adapter" data-role="trainings">
                    {' '}
                    · {int(s.trainings.total)} trainings ({int(s.trainings.done)} done{s.trainings.running ? `, ${int(s.trainings.running)} running` : ''})
                  </span>
                ) : null}
              </dd>
            </div>
            {running && work.length > 0 ? (
              <div>
                <dt>Trainers</dt>
                <dd data-role="trainers">
                  {work.map(({ node, w }) => (
                    <div key={`${node}-${w.id}`} class="small">
                      <span class="mono">{node}</span>: <WorkLine work={w} />
                    </div>
                  ))}
                </dd>
              </div>
            ) : null}
            <ReproductionFact sweep={sweepRes.data} />
            {facets && facets.metrics.length > 1 ? (
              <div>
                <dt>Plots show</dt>
                <dd>
                  <select id="plot-metric" class="select" aria-label="Metric the plots show" value={metric} onChange={(e) => setChosenMetric((e.target as HTMLSelectElement).value)}>
                    {facets.metrics.map((m) => (
                      <option key={m} value={m}>
                        {m}
                      </option>
                    ))}
                  </select>
                </dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        <nav class="jump" aria-label="On this page">
          <a href="#pareto-trainable">Pareto</a>
          <a href="#heatmap">Heatmap</a>
          <a href="#curves">Curves</a>
          <a href="#pruning">Pruning</a>
          <a href="#replicates">Replicates</a>
          <a href="#trials">Trials</a>
          <a href={withQuery(`/sweeps/${id}/trials`, { limit: 1000 })}>JSON</a>
        </nav>
      </div>
      <div class="grid">
        {/* A reproduction run shows its original's history, its own chips outlined. */}
        <VerdictHistoryCard originId={sweepRes.data ? (sweepRes.data.originId ?? id) : null} currentRun={sweepRes.data?.originId ? id : undefined} version={chartVersion} onReady={report} />
        <ParetoCards {...chartProps} />
        <HeatmapCard {...chartProps} />
        <CurvesCard {...chartProps} selected={selected} />
        <PruningCard {...chartProps} />
        <ReplicatesCard {...chartProps} />
        <TrialsTable
          sweepId={id}
          facets={facets}
          objective={s?.metric ?? metric}
          version={tableVersion}
          live={live}
          selected={selected}
          onToggle={toggle}
          onReady={(ok) => report('table', ok)}
          initial={initial.current}
        />
      </div>
    </div>
  );
}

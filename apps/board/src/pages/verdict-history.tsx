/**
 * Drift at a glance: for each config of an original sweep, the verdicts of its reproductions over
 * time as a row of chips, the latest Δ against the original and the tolerance it was judged by.
 * Drifted configs come first and stand out.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { withQuery } from '../api';
import { Card, ErrorNote } from '../components/bits';
import { DataTable } from '../components/data-table';
import { RunVerdict, toleranceText, VERDICT_MARK, VerdictBadge } from '../components/schedule-bits';
import { dateTime, flatten, meanCi, metric, paramText, short } from '../format';
import { useFetch, useInterval } from '../hooks';
import { Link, paths } from '../router';
import type { ConfigVerdict, Json, ReplicateSide, Schedule, Sweep, Verdict } from '@tinysweep/api-types';

/** Chips shown per config; older ones are counted, not drawn. */
const SHOWN = 24;
const RANK: Record<Verdict, number> = { drifted: 0, failed: 1, reproduced: 2 };

interface ConfigHistory {
  groupHash: string;
  label: string;
  params: string;
  /** Oldest first. */
  verdicts: ConfigVerdict[];
  latest: ConfigVerdict;
  everDrifted: boolean;
}

/** Groups verdict rows (newest first, as the API serves them) by config; labels name what varies. */
export function historyByConfig(rows: readonly ConfigVerdict[]): ConfigHistory[] {
  const byConfig = new Map<string, ConfigVerdict[]>();
  for (const r of [...rows].reverse()) byConfig.set(r.groupHash, [...(byConfig.get(r.groupHash) ?? []), r]);
  const flat = [...byConfig.values()].map((vs) => new Map(flatten(vs[0]!.params)));
  const varying = [...new Set(flat.flatMap((m) => [...m.keys()]))].filter((p) => new Set(flat.map((m) => paramText(m.get(p)))).size > 1);
  const label = (m: Map<string, Json>) => varying.map((p) => `${short(p)}=${paramText(m.get(p))}`).join(' · ') || 'the only config';
  return [...byConfig.entries()]
    .map(([groupHash, verdicts], i) => ({
      groupHash,
      label: label(flat[i]!),
      params: [...flat[i]!.entries()].map(([p, v]) => `${p}=${paramText(v)}`).join(', '),
      verdicts,
      latest: verdicts.at(-1)!,
      everDrifted: verdicts.some((v) => v.verdict === 'drifted'),
    }))
    .sort((a, b) => RANK[a.latest.verdict] - RANK[b.latest.verdict] || Number(b.everDrifted) - Number(a.everDrifted));
}

function signed(v: number | null): string {
  if (v === null) return '—';
  return v > 0 ? `+${metric(v)}` : v < 0 ? `−${metric(-v)}` : '0';
}

function sideText(s: ReplicateSide | null): string {
  if (!s || s.mean === undefined) return '—';
  const [lo, hi] = s.ci95 ?? [null, null];
  return `${meanCi(s.mean, lo !== null && hi !== null ? [lo, hi] : null)} (${s.seeds.length} seed${s.seeds.length === 1 ? '' : 's'})`;
}

/**
 * The history of `originId`'s reproductions (only those of `scheduleId` when given), with
 * `currentRun`'s chips outlined. Renders nothing when the sweep was never reproduced.
 */
export function VerdictHistoryCard(props: { originId: string | null; scheduleId?: string; currentRun?: string; version?: number; onReady?: (name: string, ready: boolean) => void }) {
  const { originId, scheduleId, currentRun, onReady } = props;
  const [tick, setTick] = useState(0);
  // New verdicts land on the runs, not the original, so no event of this sweep announces them.
  useInterval(() => setTick((t) => t + 1), 10_000);
  const version = (props.version ?? 0) + tick;
  const history = useFetch<{ items: ConfigVerdict[] }>(originId ? withQuery(`/sweeps/${originId}/verdicts`, { as: 'origin' }) : null, version);
  const reproduced = (history.data?.items.length ?? 0) > 0;
  // Which schedule fired each run, for its tolerance (a verdict row does not carry it).
  const runs = useFetch<{ items: Sweep[] }>(reproduced ? withQuery('/sweeps', { reproduces: originId, limit: 500 }) : null, version);
  const schedules = useFetch<{ items: Schedule[] }>(reproduced ? '/schedules' : null, version);
  const ready = history.error !== undefined || (history.data !== undefined && (!reproduced || (runs.data !== undefined && schedules.data !== undefined)));
  useEffect(() => onReady?.('verdicts', ready), [ready]);

  const runById = useMemo(() => new Map((runs.data?.items ?? []).map((r) => [r.id, r])), [runs.data]);
  const tolerance = useMemo(() => new Map((schedules.data?.items ?? []).map((s) => [s.id, s.tolerance])), [schedules.data]);
  const rows = useMemo(() => {
    const items = history.data?.items ?? [];
    return historyByConfig(scheduleId && runs.data ? items.filter((v) => runById.get(v.runId)?.scheduleId === scheduleId) : items);
  }, [history.data, runById, scheduleId]);
  // Nothing until it is all there (a schedule's rows need its runs), and nothing for a sweep never reproduced.
  if (!originId || !ready || (rows.length === 0 && !history.error)) return null;

  const toleranceOf = (runId: string) => {
    const s = runById.get(runId)?.scheduleId;
    return s ? tolerance.get(s) : undefined;
  };
  const runCount = new Set(rows.flatMap((r) => r.verdicts.map((v) => v.runId))).size;
  const drifted = rows.filter((r) => r.latest.verdict === 'drifted').length;
  const metricName = rows[0]?.latest.metric ?? '';
  return (
    <Card title="Verdict history per config" id="verdicts" wide>
      <ErrorNote error={history.error ?? runs.error ?? schedules.error} />
      <p class="muted small">
        {runCount} reproduction run{runCount === 1 ? '' : 's'} of {rows.length} config{rows.length === 1 ? '' : 's'} on {metricName}, oldest to newest ·{' '}
        {drifted > 0 ? <strong class="text-bad">{drifted} drifted in the latest run</strong> : 'none drifted in the latest run'}
      </p>
      <DataTable
        label="Verdict history per config"
        stack
        columns={['Config', 'Verdicts over time', 'Latest', { label: 'Δ vs original', class: 'num' }, { label: 'Tolerance', class: 'num' }, 'Original', 'Latest run']}
        rows={rows}
        row={(c) => {
          const tol = toleranceOf(c.latest.runId);
          const shown = c.verdicts.slice(-SHOWN);
          const latestRun = runById.get(c.latest.runId);
          return (
            <tr key={c.groupHash} data-config={c.groupHash} data-latest={c.latest.verdict} class={c.latest.verdict === 'drifted' ? 'row-drifted' : undefined}>
              <th scope="row" title={c.params}>
                {c.label}
              </th>
              <td class="chips-cell" data-label="Verdicts over time">
                <ol class="chips" aria-label={`${c.verdicts.length} verdicts, oldest first`}>
                  {c.verdicts.length > SHOWN ? <li class="muted small">+{c.verdicts.length - SHOWN}</li> : null}
                  {shown.map((v) => {
                    const what = `${v.verdict} on ${dateTime(v.createdAt)}: Δ ${signed(v.delta)} (tolerance ${toleranceText(toleranceOf(v.runId))})`;
                    // Mouse shortcuts to each run; keyboards reach runs through the Latest run column and the schedule page.
                    return (
                      <li key={v.runId}>
                        <Link href={paths.sweep(v.runId)} tabIndex={-1} class={`chip chip-${v.verdict}${v.runId === currentRun ? ' chip-current' : ''}`} data-verdict={v.verdict} title={what} aria-label={what}>
                          {VERDICT_MARK[v.verdict]}
                        </Link>
                      </li>
                    );
                  })}
                </ol>
              </td>
              <td data-label="Latest">
                <VerdictBadge verdict={c.latest.verdict} />
              </td>
              <td class={`num mono${c.latest.verdict === 'drifted' ? ' text-bad strong' : ''}`} data-label="Δ vs original">{signed(c.latest.delta)}</td>
              <td class="num mono" data-label="Tolerance">
                {toleranceText(tol)}
              </td>
              <td class="mono small" data-label="Original">
                {sideText(c.latest.original)}
              </td>
              <td data-label="Latest run">
                <Link href={paths.sweep(c.latest.runId)} title={latestRun?.name} aria-current={c.latest.runId === currentRun ? 'page' : undefined}>
                  {dateTime(c.latest.createdAt)}
                </Link>{' '}
                <span class="mono small">{sideText(c.latest.reproduced)}</span>
              </td>
            </tr>
          );
        }}
      />
    </Card>
  );
}

/** For a reproduction run's header: what it reproduces, which schedule fired it, and its verdict. */
export function ReproductionFact({ sweep }: { sweep: Sweep | undefined }) {
  if (!sweep?.originId) return null;
  return (
    <div>
      <dt>Reproduces</dt>
      <dd data-fact="reproduces">
        <Link href={paths.sweep(sweep.originId)}>the original</Link>
        {sweep.scheduleId ? (
          <>
            {' '}
            · <Link href={paths.schedule(sweep.scheduleId)}>its schedule</Link>
          </>
        ) : null}{' '}
        · <RunVerdict run={sweep} />
      </dd>
    </div>
  );
}

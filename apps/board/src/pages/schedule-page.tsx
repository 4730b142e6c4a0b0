import { useState } from 'preact/hooks';
import { Card, ErrorNote, Progress } from '../components/bits';
import { DataTable } from '../components/data-table';
import { modeText, NextFire, RunVerdict, ScheduleActions, ScheduleState, toleranceText } from '../components/schedule-bits';
import { ago, dateTime, metric } from '../format';
import { useFetch, useInterval } from '../hooks';
import { Link, paths } from '../router';
import type { Schedule, Sweep } from '@tinysweep/api-types';
import { VerdictHistoryCard } from './verdict-history';

/** One schedule: its settings, pause/resume/run now, its runs newest first, and its configs' verdicts. */
export function SchedulePage({ id }: { id: string }) {
  const [version, setVersion] = useState(0);
  const scheduleRes = useFetch<Schedule>(`/schedules/${id}`, version);
  const runsRes = useFetch<{ items: Sweep[] }>(`/schedules/${id}/runs`, version);
  useInterval(() => setVersion((v) => v + 1), 5000);
  const s = scheduleRes.data;
  const runs = runsRes.data?.items ?? [];
  const refresh = () => setVersion((v) => v + 1);

  if (scheduleRes.error && !s) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>Schedule</h1>
        <ErrorNote error={scheduleRes.error} />
        <Link href={paths.schedules()}>All schedules</Link>
      </div>
    );
  }
  return (
    <div class="page" data-page="schedule" data-state={s && runsRes.data ? 'ready' : 'loading'}>
      <div class="page-head">
        <nav aria-label="Breadcrumb" class="crumbs">
          <Link href={paths.schedules()}>Schedules</Link> /
        </nav>
        <div class="title-row">
          <h1 tabIndex={-1}>{s?.name ?? 'Schedule'}</h1>
          {s ? <ScheduleState schedule={s} /> : null}
          <div class="spacer" />
          {s ? <ScheduleActions schedule={s} onChange={refresh} /> : null}
        </div>
        {s ? (
          <dl class="facts">
            <div>
              <dt>Reproduces</dt>
              <dd>{s.origin ? <Link href={paths.sweep(s.origin.id)}>{s.origin.name}</Link> : <span class="muted">its own spec (not fired yet)</span>}</dd>
            </div>
            <div>
              <dt>When</dt>
              <dd>
                <code>{s.cron}</code> <span class="muted">{s.timeZone}</span>
              </dd>
            </div>
            <div>
              <dt>Next fire</dt>
              <dd>
                <NextFire schedule={s} />
              </dd>
            </div>
            <div>
              <dt>Re-runs</dt>
              <dd>{modeText(s)}</dd>
            </div>
            <div>
              <dt>Tolerance</dt>
              <dd class="mono">{toleranceText(s.tolerance)}</dd>
            </div>
            <div>
              <dt>Drift webhook</dt>
              <dd>{s.webhookUrl ? <span title="URL kept on the server">{new URL(s.webhookUrl).host}</span> : <span class="muted">none</span>}</dd>
            </div>
          </dl>
        ) : null}
      </div>
      <div class="grid">
        <Card title={`Runs (${runs.length})`} id="runs" wide>
          <ErrorNote error={runsRes.error} />
          <DataTable
            label="Runs of this schedule, newest first"
            stack
            columns={['Fired', 'Verdict', { label: 'Progress', class: 'col-progress' }, 'Best']}
            rows={runs}
            empty={runsRes.data ? `Not fired yet${s?.nextRunAt ? `; next ${dateTime(s.nextRunAt)}` : ''}.` : null}
            row={(r) => (
              <tr key={r.id} data-run={r.id} data-verdict={r.verdict ?? ''} class={r.verdict === 'drifted' ? 'row-drifted' : undefined}>
                <td>
                  <Link href={paths.sweep(r.id)}>{dateTime(r.createdAt)}</Link>
                  <div class="muted small">{ago(r.createdAt)}</div>
                </td>
                <td data-label="Verdict">
                  <RunVerdict run={r} />
                </td>
                <td data-label="Progress">
                  <Progress counts={r.counts} total={r.trialCount} />
                </td>
                <td class="mono" data-label="Best">
                  {r.best ? metric(r.best.value) : '—'}
                </td>
              </tr>
            )}
          />
        </Card>
        {/* Reloads when another run has been judged, not on every poll. */}
        <VerdictHistoryCard originId={s?.origin?.id ?? null} scheduleId={id} version={runs.filter((r) => r.verdict).length} />
      </div>
    </div>
  );
}

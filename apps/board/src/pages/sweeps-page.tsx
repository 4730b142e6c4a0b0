import { useState } from 'preact/hooks';
import { withQuery } from '../api';
import { ErrorNote, Progress, StatusBadge } from '../components/bits';
import { DataTable } from '../components/data-table';
import { ago, dateTime, metric } from '../format';
import { useFetch, useInterval } from '../hooks';
import { Link, navigate, paths } from '../router';
import type { OverviewSweep } from '@tinysweep/api-types';

const PAGE = 50;

/** Every sweep, newest first: status, progress, best metric, created, schedule. Polled every 5 s. */
export function SweepsPage() {
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const { data, error } = useFetch<{ items: OverviewSweep[] }>(withQuery('/overview', { limit: PAGE, offset }), version);
  useInterval(() => setVersion((v) => v + 1), 5000);
  const items = data?.items ?? [];
  // Two sweeps ticked: side by side on the compare page.
  const [picked, setPicked] = useState<string[]>([]);
  const pick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  return (
    <div class="page" data-page="sweeps" data-state={data ? 'ready' : 'loading'}>
      <div class="page-head">
        <h1 tabIndex={-1}>Sweeps</h1>
        <p class="muted">Submit with <code>tinysweep submit spec.yaml</code> or <code>POST /sweeps</code>; this list refreshes itself.</p>
        <div class="title-row">
          <span class="small muted">{picked.length === 2 ? 'Two sweeps ticked:' : 'Tick two sweeps to put them side by side.'}</span>
          <button type="button" class="btn" disabled={picked.length !== 2} data-action="compare" onClick={() => navigate(paths.compare(picked[0]!, picked[1]!))}>
            Compare
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      <DataTable
        label="Sweeps"
        columns={['', 'Name', 'Status', { label: 'Progress', class: 'col-progress' }, 'Best', 'Created', 'Schedule']}
        rows={items}
        empty={data ? 'No sweeps yet.' : null}
        row={(s) => (
          <tr key={s.id}>
            <td>
              <input type="checkbox" aria-label={`compare ${s.name}`} checked={picked.includes(s.id)} onChange={() => pick(s.id)} data-compare={s.id} />
            </td>
            <td>
              <Link href={paths.sweep(s.id)} class="strong">
                {s.name}
              </Link>
              <div class="muted mono small">{s.id.slice(0, 8)}</div>
            </td>
            <td>
              <StatusBadge status={s.status} />
            </td>
            <td>
              <Progress counts={s.counts} total={s.trialCount} trainings={s.trainings} />
            </td>
            <td>
              {s.best ? (
                <Link href={paths.trial(s.best.trialId)} title={`best trial by ${s.metric}`}>
                  <span class="mono">{metric(s.best.value)}</span> <span class="muted small">{s.metric} {s.maximize ? '↑' : '↓'}</span>
                </Link>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
            <td title={dateTime(s.createdAt)}>{ago(s.createdAt)}</td>
            <td>
              {s.schedules.length === 0 ? (
                <span class="muted">—</span>
              ) : (
                s.schedules.map((sc) => (
                  <div key={`${sc.id}-${sc.role}`} class="small" title={sc.role === 'run' ? 'fired by this schedule' : 're-run by this schedule'}>
                    {sc.role === 'run' ? '⟳ run of ' : '⟳ '}
                    <strong>{sc.name}</strong> <code>{sc.cron}</code> {sc.timeZone}
                    {sc.paused ? ' (paused)' : ''}
                  </div>
                ))
              )}
            </td>
          </tr>
        )}
      />
      {offset > 0 || items.length === PAGE ? (
        <div class="pager">
          <button type="button" class="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            ← Newer
          </button>
          <button type="button" class="btn" disabled={items.length < PAGE} onClick={() => setOffset(offset + PAGE)}>
            Older →
          </button>
        </div>
      ) : null}
    </div>
  );
}

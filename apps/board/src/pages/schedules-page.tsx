import { useState } from 'preact/hooks';
import { ErrorNote } from '../components/bits';
import { DataTable } from '../components/data-table';
import { modeText, NextFire, RunVerdict, ScheduleActions, ScheduleState, toleranceText } from '../components/schedule-bits';
import { ago, dateTime } from '../format';
import { useFetch, useInterval } from '../hooks';
import { Link, paths } from '../router';
import type { Schedule } from '@tinysweep/api-types';

/**
 * Every schedule: what it re-runs, when, how strictly, and how its newest run came out. Polled
 * every 3 s, so a schedule ticking every few seconds shows each run and verdict as it lands.
 */
export function SchedulesPage() {
  const [version, setVersion] = useState(0);
  const { data, error, reload } = useFetch<{ items: Schedule[] }>('/schedules', version);
  useInterval(() => setVersion((v) => v + 1), 3000);
  const items = data?.items ?? [];
  const drifted = items.filter((s) => s.lastRun?.verdict === 'drifted').length;
  return (
    <div class="page" data-page="schedules" data-state={data ? 'ready' : 'loading'}>
      <div class="page-head">
        <h1 tabIndex={-1}>Schedules</h1>
        <p class="muted">
          Sweeps re-run on a cron; each run is judged per config against the original: reproduced, drifted or failed.{' '}
          {drifted > 0 ? <strong class="text-bad">{drifted} drifted in their latest run.</strong> : null}
        </p>
      </div>
      <ErrorNote error={error} />
      <DataTable
        label="Schedules"
        stack
        columns={['Schedule', 'When', 'Re-runs', { label: 'Tolerance', class: 'num' }, 'State', 'Next fire', 'Last run', 'Actions']}
        rows={items}
        empty={
          data ? (
            <>
              No schedules yet. Add one with <code>tinysweep schedule add &lt;sweep&gt; --cron '0 3 * * *'</code> or <code>POST /schedules</code>.
            </>
          ) : null
        }
        row={(s) => (
          <tr key={s.id} data-schedule={s.id} data-paused={String(s.paused)} class={s.lastRun?.verdict === 'drifted' ? 'row-drifted' : undefined}>
            <td>
              <Link href={paths.schedule(s.id)} class="strong">
                {s.name}
              </Link>
              <div class="small">
                {s.origin ? (
                  <>
                    of <Link href={paths.sweep(s.origin.id)}>{s.origin.name}</Link>
                  </>
                ) : (
                  <span class="muted">its own spec, not fired yet</span>
                )}
              </div>
            </td>
            <td data-label="When">
              <code>{s.cron}</code>
              <div class="muted small">{s.timeZone}</div>
            </td>
            <td data-label="Re-runs">{modeText(s)}</td>
            <td class="num mono" data-label="Tolerance">
              {toleranceText(s.tolerance)}
            </td>
            <td data-label="State">
              <ScheduleState schedule={s} />
            </td>
            <td data-label="Next fire">
              <NextFire schedule={s} />
            </td>
            <td data-cell="last-run" data-label="Last run">
              {s.lastRun ? (
                <>
                  <RunVerdict run={s.lastRun} />{' '}
                  <Link href={paths.sweep(s.lastRun.id)} title={`${s.lastRun.name} · ${dateTime(s.lastRun.createdAt)}`}>
                    {ago(s.lastRun.createdAt)}
                  </Link>
                </>
              ) : (
                <span class="muted">never fired</span>
              )}
            </td>
            <td>
              <ScheduleActions schedule={s} onChange={reload} />
            </td>
          </tr>
        )}
      />
    </div>
  );
}

/** Small pieces the schedule pages and the verdict history share: verdicts, state, next fire, actions. */
import { useState } from 'preact/hooks';
import { api, needsToken } from '../api';
import { dateTime, duration, metric } from '../format';
import type { Schedule, Sweep, Verdict } from '@tinysweep/api-types';
import { StatusBadge } from './bits';
import { askForToken, tokenReason } from './token-dialog';

/** A symbol per verdict, so chips do not rely on colour alone. */
export const VERDICT_MARK: Record<Verdict, string> = { reproduced: '✓', drifted: '!', failed: '✕' };

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span class={`verdict verdict-${verdict}`} data-verdict={verdict}>
      {VERDICT_MARK[verdict]} {verdict}
    </span>
  );
}

/** A run's verdict, or where it stands until it has one (running, then judging). */
export function RunVerdict({ run }: { run: Sweep }) {
  if (run.verdict) return <VerdictBadge verdict={run.verdict} />;
  if (run.status === 'queued' || run.status === 'running') return <StatusBadge status={run.status} />;
  return (
    <span class="verdict verdict-pending" title="Finished; the verdict is recorded within a few seconds">
      judging
    </span>
  );
}

export function ScheduleState({ schedule }: { schedule: Schedule }) {
  return <span class={`badge ${schedule.paused ? 'badge-paused' : 'badge-active'}`}>{schedule.paused ? 'paused' : 'active'}</span>;
}

/** "in 4 s", with the exact time (and the schedule's zone) in the tooltip. */
export function NextFire({ schedule }: { schedule: Schedule }) {
  if (schedule.paused) return <span class="muted">paused</span>;
  if (!schedule.nextRunAt) return <span class="muted">—</span>;
  const ms = new Date(schedule.nextRunAt).getTime() - Date.now();
  const local = new Date(schedule.nextRunAt).toLocaleString(undefined, { timeZone: schedule.timeZone, timeZoneName: 'short' });
  return <span title={`${dateTime(schedule.nextRunAt)} here · ${local} in ${schedule.timeZone}`}>{ms <= 1000 ? 'due now' : `in ${duration(ms).replace(/ \d+ (s|min)$/, '')}`}</span>;
}

export function modeText(s: Schedule): string {
  const mode = s.mode === 'top-k' ? `top ${s.topK ?? '?'} configs` : 'full sweep';
  return s.extraSeeds > 0 ? `${mode} + ${s.extraSeeds} fresh seed${s.extraSeeds === 1 ? '' : 's'}` : mode;
}

export function toleranceText(tolerance: number | undefined): string {
  return tolerance === undefined ? '—' : `±${metric(tolerance)}`;
}

const DOING: Record<'pause' | 'resume' | 'run', string> = { pause: 'Pausing a schedule', resume: 'Resuming a schedule', run: 'Running a schedule now' };

/**
 * Pause or resume, and run now. Mutations carry the token; on a 401 the token dialog opens and
 * the user clicks again, as for cancelling a sweep.
 */
export function ScheduleActions({ schedule, onChange }: { schedule: Schedule; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [fired, setFired] = useState(false);
  const act = async (action: 'pause' | 'resume' | 'run') => {
    setBusy(true);
    setError(undefined);
    setFired(false);
    try {
      await api.post(`/schedules/${schedule.id}/${action}`);
      setFired(action === 'run');
      onChange();
    } catch (err) {
      if (needsToken(err)) askForToken(tokenReason(err, DOING[action]));
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const toggle = schedule.paused ? 'resume' : 'pause';
  return (
    <div class="schedule-actions">
      <button type="button" class="btn" disabled={busy} onClick={() => void act(toggle)} data-action={`${toggle}-schedule`} aria-label={`${schedule.paused ? 'Resume' : 'Pause'} ${schedule.name}`}>
        {schedule.paused ? 'Resume' : 'Pause'}
      </button>
      {/* A paused schedule skips its cron ticks; "run now" still fires once. */}
      <button
        type="button"
        class="btn"
        disabled={busy}
        onClick={() => void act('run')}
        data-action="run-schedule"
        aria-label={`Run ${schedule.name} now`}
        title={schedule.paused ? 'Fire once now; the schedule stays paused' : 'Fire once now, outside the cron'}
      >
        Run now
      </button>
      <span role="status" class="small">
        {fired ? 'Fired; the run shows up in a moment.' : ''}
      </span>
      {error ? (
        <span role="alert" class="small text-bad">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}

import type { ComponentChildren } from 'preact';
import { int } from '../format';
import type { SweepStatus, TrainingCounts, TrialCounts, TrialStatus } from '@tinysweep/api-types';

export function StatusBadge({ status }: { status: SweepStatus | TrialStatus | string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/**
 * Finished trials out of all, as a bar with the counts beside it. A shared training in flight is
 * work in flight although its trials wait in queued: "3 running (2 trainings)".
 */
export function Progress({ counts, total, trainings }: { counts: TrialCounts; total: number; trainings?: TrainingCounts }) {
  const training = trainings?.running ?? 0;
  const running = counts.running + training;
  const stopped = counts.stopped ?? 0;
  const done = counts.succeeded + counts.failed + counts.cancelled + stopped;
  const pct = (n: number) => `${total > 0 ? (100 * n) / total : 0}%`;
  return (
    <div class="progress" data-role="progress" title={`${int(counts.succeeded)} succeeded, ${int(counts.failed)} failed, ${int(counts.cancelled)} cancelled, ${int(stopped)} stopped early, ${int(counts.running)} running, ${int(counts.queued)} queued${trainings?.total ? `; trainings: ${int(trainings.done)} of ${int(trainings.total)} done, ${int(training)} running` : ''}`}>
      <div class="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="finished trials">
        <span class="seg seg-succeeded" style={{ width: pct(counts.succeeded) }} />
        <span class="seg seg-failed" style={{ width: pct(counts.failed) }} />
        <span class="seg seg-cancelled" style={{ width: pct(counts.cancelled) }} />
        <span class="seg seg-stopped" style={{ width: pct(stopped) }} />
        <span class="seg seg-running" style={{ width: pct(counts.running) }} />
      </div>
      <span class="progress-text">
        {int(done)} / {int(total)}
        {running > 0 ? ` · ${int(running)} running${training > 0 ? ` (${int(training)} training${training === 1 ? '' : 's'})` : ''}` : ''}
        {counts.failed > 0 ? ` · ${int(counts.failed)} failed` : ''}
        {stopped > 0 ? ` · ${int(stopped)} stopped early` : ''}
      </span>
    </div>
  );
}

export function Card({ title, children, actions, id, wide }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string; wide?: boolean }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section class={`card${wide ? ' card-wide' : ''}`} id={id} aria-labelledby={headingId}>
      <header class="card-head">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div class="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function ErrorNote({ error }: { error: Error | undefined }) {
  return error ? (
    <p class="note note-error" role="alert">
      {error.message}
    </p>
  ) : null;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** A labelled <select>. */
export function Select({ label, value, options, onChange, id }: { label: string; value: string; options: { value: string; label: string }[]; onChange: (v: string) => void; id: string }) {
  return (
    <label class="field" for={id}>
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

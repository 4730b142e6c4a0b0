/** One-line text summaries of a watched sweep, for plain (non-TTY) output and the final line. */
import { formatDuration, formatMetric, shortId } from '../format/numbers.js';
import type { SweepTracker } from './sweep-tracker.js';

/** `running 37/120 done · 30 succeeded · 2 failed · 5 running · 78 queued · ETA 2m10s · best score=0.8123 (3fa2c1d0)` */
export function progressLine(tracker: SweepTracker, etaMs: number | undefined): string {
  const s = tracker.summary;
  const c = s.counts;
  const parts = [`${s.status} ${tracker.done}/${tracker.total} done`, `${c.succeeded} succeeded`, `${c.failed} failed`];
  if (c.cancelled > 0) parts.push(`${c.cancelled} cancelled`);
  if (c.stopped > 0) parts.push(`${c.stopped} stopped early`);
  parts.push(runningText(tracker), `${c.queued} queued`);
  if (!tracker.terminal) parts.push(`ETA ${etaMs === undefined ? '—' : formatDuration(etaMs)}`);
  const best = bestText(tracker);
  if (best !== undefined) parts.push(best);
  return parts.join(' · ');
}

/**
 * `5 running`; with shared trainings `3 running (2 trainings, 1 evaluation)`: a training in flight
 * is work in flight although its trials still wait in `queued`.
 */
export function runningText(tracker: SweepTracker): string {
  const c = tracker.summary.counts;
  const t = tracker.summary.trainings;
  if (!t || t.total === 0) return `${c.running} running`;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${c.running + t.running} running (${plural(t.running, 'training')}, ${plural(c.running, 'evaluation')})`;
}

/** `24 trials · 12 trainings` (the second part only when trials share trainings). */
export function sizeText(tracker: SweepTracker): string {
  const t = tracker.summary.trainings;
  return `${tracker.total} trials${t && t.total > 0 ? ` · ${t.total} trainings` : ''}`;
}

/** `best score=0.8123 (3fa2c1d0)`, from the summary's `best` or else the best trial seen. */
export function bestText(tracker: SweepTracker): string | undefined {
  const best = tracker.summary.best;
  if (best !== null) return `best ${tracker.metric}=${formatMetric(best.value)} (${shortId(best.trialId)})`;
  const top = tracker.top(1)[0];
  if (top === undefined) return undefined;
  return `best ${tracker.metric}=${formatMetric(top.metrics?.[tracker.metric])} (${shortId(top.id)})`;
}

/** The closing line: `sweep qwen05 completed in 3m05s · 118 succeeded · 2 failed · best score=0.81 (3fa2c1d0)` */
export function finalLine(tracker: SweepTracker): string {
  const s = tracker.summary;
  const c = s.counts;
  let head = `sweep ${s.name} ${s.status}`;
  if (s.finishedAt !== null) {
    const took = Date.parse(s.finishedAt) - Date.parse(s.createdAt);
    if (Number.isFinite(took)) head += ` in ${formatDuration(took)}`;
  }
  const parts = [head, `${c.succeeded} succeeded`, `${c.failed} failed`];
  if (c.cancelled > 0) parts.push(`${c.cancelled} cancelled`);
  if (c.stopped > 0) parts.push(`${c.stopped} stopped early`);
  const best = bestText(tracker);
  if (best !== undefined) parts.push(best);
  return parts.join(' · ');
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sweep, TrialCounts } from '@tinysweep/api-types';
import { CaptureStream, renderScreen } from '../testing/capture.js';
import { trial } from '../testing/trials.js';
import { PlainRenderer, topTrialsTable, TtyRenderer } from './renderers.js';
import { SweepTracker } from './sweep-tracker.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function summary(counts: Partial<TrialCounts>, status: Sweep['status'] = 'running', trainings = { total: 0, running: 0, done: 0 }): Sweep {
  return {
    id: '5eed0000-0000-4000-8000-000000000000',
    name: 'tiny',
    status,
    createdAt: new Date(T0).toISOString(),
    finishedAt: status === 'completed' ? new Date(T0 + 60_000).toISOString() : null,
    updatedAt: new Date(T0).toISOString(),
    trialCount: 4,
    counts: { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, stopped: 0, ...counts },
    trainings,
    metric: 'score',
    maximize: true,
    best: null,
    originId: null,
    scheduleId: null,
    verdict: null,
  };
}

const trials = [
  trial({ id: '00000001-x', ordinal: 0, params: { adapter: { rank: 1 }, lr: 0.1 }, metrics: { score: 0.4 } }),
  trial({ id: '00000002-x', ordinal: 1, params: { adapter: { rank: 2 }, lr: 0.1 }, metrics: { score: 0.9 } }),
  trial({ id: '00000003-x', ordinal: 2, params: { adapter: { rank: 4 }, lr: 0.1 }, status: 'running' }),
];

describe('topTrialsTable', () => {
  it('lists the best trials with the params that vary across every trial seen', () => {
    const tracker = new SweepTracker(summary({ succeeded: 2, running: 1, queued: 1 }));
    expect(topTrialsTable(tracker, 5)).toBeUndefined();
    for (const t of trials) tracker.applyTrial(t);
    const lines = topTrialsTable(tracker, 5)!.split('\n');
    expect(lines[1]).toMatch(/│ # │ trial +│ status +│ seed │ params +│ score │ trainable │ effective │/);
    expect(lines[3]).toMatch(/│ 1 │ 00000002 │ succeeded │ +1 │ adapter\.rank=2 │ +0\.9 │/);
    expect(lines[4]).toMatch(/│ 2 │ 00000001 │ succeeded │ +1 │ adapter\.rank=1 │ +0\.4 │/);
    expect(lines).toHaveLength(6);
  });
});

describe('PlainRenderer', () => {
  let now = T0;

  it('counts trainings in flight as running and says what each trainer is doing for the sweep', () => {
    vi.setSystemTime(T0 + 10_000);
    const out = new CaptureStream();
    const tracker = new SweepTracker(summary({ queued: 4 }, 'running', { total: 2, running: 1, done: 0 }));
    const work = (kind: 'training' | 'evaluation', id: string, sweepId: string) => ({ kind, id, sweepId, sweepName: 'x', trials: 2, step: 10, startedAt: null });
    tracker.applyNodes([
      { id: 'n1', work: [work('training', '3fa2c1d0-0000-4000-8000-000000000000', tracker.summary.id), work('evaluation', '99990000-0000-4000-8000-000000000000', 'other-sweep')] },
      { id: 'n2', work: [] },
    ] as unknown as Parameters<SweepTracker['applyNodes']>[0]);
    new PlainRenderer(out).start(tracker);
    const lines = out.text.trim().split('\n');
    expect(lines[0]).toBe('watching sweep tiny (5eed0000-0000-4000-8000-000000000000) · 4 trials · 2 trainings · metric score (max)');
    expect(lines[1]).toBe('running 0/4 done · 0 succeeded · 0 failed · 1 running (1 training, 0 evaluations) · 4 queued · ETA — · trainer n1: training 3fa2c1d0 (2 trials)');
  });

  beforeEach(() => {
    vi.useFakeTimers();
    now = T0 + 10_000;
  });
  afterEach(() => vi.useRealTimers());

  it('prints a line at most once per second, and only when something changed', () => {
    // Renderer clock and timers both come from vitest's fake timers here.
    vi.setSystemTime(T0 + 10_000);
    const out = new CaptureStream();
    const r = new PlainRenderer(out);
    const tracker = new SweepTracker(summary({ queued: 4 }, 'queued'));
    r.start(tracker);
    r.update(tracker); // unchanged: nothing
    tracker.applySummary(summary({ running: 1, queued: 3 }));
    vi.advanceTimersByTime(200);
    r.update(tracker); // changed but too soon: deferred
    tracker.applySummary(summary({ running: 2, queued: 2 }));
    vi.advanceTimersByTime(200);
    r.update(tracker);
    let lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('watching sweep tiny (5eed0000-0000-4000-8000-000000000000) · 4 trials · metric score (max)');
    expect(lines[1]).toBe('queued 0/4 done · 0 succeeded · 0 failed · 0 running · 4 queued · ETA —');

    // The deferred update comes out once the second has passed, with the latest state only.
    vi.advanceTimersByTime(599);
    expect(out.text.trim().split('\n')).toHaveLength(2);
    vi.advanceTimersByTime(1);
    lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('running 0/4 done · 0 succeeded · 0 failed · 2 running · 2 queued · ETA —');
    r.stop();
  });

  it('repeats an unchanged line after 30 s as a heartbeat', () => {
    const out = new CaptureStream();
    const r = new PlainRenderer(out, { now: () => now });
    const tracker = new SweepTracker(summary({ running: 1, queued: 3 }));
    r.start(tracker);
    now += 29_000;
    r.update(tracker);
    expect(out.text.trim().split('\n')).toHaveLength(2);
    now += 2000;
    r.update(tracker);
    expect(out.text.trim().split('\n')).toHaveLength(3);
    r.stop();
  });

  it('ends with the final line, the top table and the closing summary', () => {
    const out = new CaptureStream();
    const r = new PlainRenderer(out, { now: () => now });
    const tracker = new SweepTracker(summary({ running: 2, queued: 2 }));
    r.start(tracker);
    for (const t of trials) tracker.applyTrial({ ...t, status: t.status === 'running' ? 'failed' : t.status });
    tracker.applySummary(summary({ succeeded: 3, failed: 1 }, 'completed'));
    r.finish(tracker);
    const text = out.text;
    expect(text).toContain('completed 4/4 done · 3 succeeded · 1 failed · 0 running · 0 queued · best score=0.9 (00000002)\n');
    expect(text).toContain('top 2 by score:\n┌');
    expect(text.trimEnd().split('\n').at(-1)).toBe('sweep tiny completed in 1m00s · 3 succeeded · 1 failed · best score=0.9 (00000002)');
  });
});

describe('TtyRenderer', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 + 10_000 }));
  afterEach(() => vi.useRealTimers());

  it('redraws the bar and the top-trials table in place', () => {
    const out = new CaptureStream({ tty: true, columns: 160 });
    const r = new TtyRenderer(out, { top: 5 });
    const tracker = new SweepTracker(summary({ queued: 3, running: 1 }));
    r.start(tracker);
    vi.advanceTimersByTime(250);
    let screen = renderScreen(out.text);
    expect(screen[0]).toBe('watching sweep tiny (5eed0000-0000-4000-8000-000000000000) · 4 trials · metric score (max) · Ctrl-C stops watching');
    expect(screen[1]).toMatch(/^░{30} 0\/4 done │ 0 succeeded · 0 failed · 1 running │ running │ ETA —$/);
    expect(screen).toHaveLength(2);

    tracker.applyTrial(trials[0]!);
    tracker.applyTrial(trials[2]!);
    tracker.applySummary(summary({ succeeded: 1, running: 1, queued: 2 }));
    r.update(tracker);
    vi.advanceTimersByTime(250);
    tracker.applyTrial(trials[1]!);
    tracker.applySummary(summary({ succeeded: 2, running: 1, queued: 1 }));
    r.update(tracker);
    vi.advanceTimersByTime(250);
    screen = renderScreen(out.text);
    expect(screen[1]).toMatch(/^█{15}░{15} 2\/4 done │ 2 succeeded · 0 failed · 1 running │ running │ ETA \d+s$/);
    expect(screen[2]).toBe('top 2 by score:');
    expect(screen[4]).toMatch(/│ # │ trial +│ status +│ seed │ params +│ score │/);
    expect(screen[6]).toMatch(/│ 1 │ 00000002 │ succeeded │ +1 │ adapter\.rank=2 │ +0\.9 │/);
    expect(screen[7]).toMatch(/│ 2 │ 00000001 │ succeeded │ +1 │ adapter\.rank=1 │ +0\.4 │/);
    expect(screen[8]).toMatch(/^└/);
    expect(screen).toHaveLength(9);

    tracker.applySummary(summary({ succeeded: 2, failed: 2 }, 'completed'));
    r.finish(tracker);
    screen = renderScreen(out.text);
    expect(screen[1]).toMatch(/^█{30} 4\/4 done │ 2 succeeded · 2 failed · 0 running │ completed │ ETA 0s$/);
    expect(screen.at(-1)).toBe('sweep tiny completed in 1m00s · 2 succeeded · 2 failed · best score=0.9 (00000002)');
    expect(screen.filter((l) => l.includes('done │'))).toHaveLength(1);
    // The cursor is shown again.
    expect(out.text.endsWith('\n')).toBe(true);
    expect(out.text).toContain('\x1b[?25h');
  });
});

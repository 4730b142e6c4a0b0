import { describe, expect, it } from 'vitest';
import type { Sweep } from '@tinysweep/api-types';
import { trial } from '../testing/trials.js';
import { finalLine, progressLine } from './progress-line.js';
import { SweepTracker } from './sweep-tracker.js';

function summary(overrides: Partial<Sweep> = {}): Sweep {
  return {
    id: 's1',
    name: 'tiny',
    status: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    trialCount: 10,
    counts: { queued: 4, running: 2, succeeded: 3, failed: 1, cancelled: 0, stopped: 0 },
    metric: 'score',
    maximize: true,
    best: null,
    originId: null,
    scheduleId: null,
    verdict: null,
    ...overrides,
  };
}

describe('SweepTracker', () => {
  it('derives done, total and terminal from the summary', () => {
    const t = new SweepTracker(summary());
    expect(t.done).toBe(4);
    expect(t.total).toBe(10);
    expect(t.terminal).toBe(false);
    t.applySummary(summary({ status: 'completed', counts: { queued: 0, running: 0, succeeded: 9, failed: 1, cancelled: 0, stopped: 0 } }));
    expect(t.done).toBe(10);
    expect(t.terminal).toBe(true);
  });

  it('ignores summaries of other sweeps', () => {
    const t = new SweepTracker(summary());
    t.apply({ type: 'sweep', sweep: summary({ id: 'other', status: 'failed' }) });
    expect(t.summary.status).toBe('running');
  });

  it('keeps the latest view of each trial and ranks the top ones by the metric', () => {
    const t = new SweepTracker(summary({ maximize: false, metric: 'loss' }));
    const a = trial({ id: 'a', ordinal: 0, status: 'running' });
    t.apply({ type: 'trial', trial: a });
    t.apply({ type: 'trial', trial: trial({ id: 'b', ordinal: 1, metrics: { loss: 0.3 } }) });
    t.apply({ type: 'trial', trial: { ...a, status: 'succeeded', metrics: { loss: 0.1 } } });
    t.apply({ type: 'trial', trial: trial({ id: 'c', ordinal: 2, status: 'failed' }) });
    expect(t.knownTrials()).toHaveLength(3);
    expect(t.top(5).map((x) => x.id)).toEqual(['a', 'b']);
    expect(t.top(1).map((x) => x.id)).toEqual(['a']);
  });
});

describe('progress lines', () => {
  it('summarises counts, ETA and the best trial', () => {
    const t = new SweepTracker(summary({ best: { trialId: '3fa2c1d0-aaaa', value: 0.812345, params: {} } }));
    expect(progressLine(t, 130_000)).toBe(
      'running 4/10 done · 3 succeeded · 1 failed · 2 running · 4 queued · ETA 2m10s · best score=0.8123 (3fa2c1d0)',
    );
    expect(progressLine(t, undefined)).toContain('ETA —');
    // ASHA with pausing: trials waiting at a rung are neither running nor queued
    const paused = new SweepTracker(summary({ counts: { queued: 1, running: 2, succeeded: 3, failed: 0, cancelled: 0, stopped: 1, paused: 3 } }));
    expect(progressLine(paused, undefined)).toContain('1 stopped early · 2 running · 3 paused at a rung · 1 queued');
  });

  it('falls back to the best trial seen when the summary has none, and shows cancellations', () => {
    const t = new SweepTracker(summary({ counts: { queued: 0, running: 0, succeeded: 1, failed: 0, cancelled: 9, stopped: 0 }, status: 'cancelled' }));
    t.applyTrial(trial({ id: 'abcdef01-x', metrics: { score: 0.5 } }));
    expect(progressLine(t, undefined)).toBe('cancelled 10/10 done · 1 succeeded · 0 failed · 9 cancelled · 0 running · 0 queued · best score=0.5 (abcdef01)');
  });

  it('ends with the duration of a finished sweep', () => {
    const t = new SweepTracker(
      summary({ status: 'completed', finishedAt: '2026-01-01T00:03:05.000Z', counts: { queued: 0, running: 0, succeeded: 10, failed: 0, cancelled: 0, stopped: 0 } }),
    );
    expect(finalLine(t)).toBe('sweep tiny completed in 3m05s · 10 succeeded · 0 failed');
  });
});

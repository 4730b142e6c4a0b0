import type { MessageEvent } from '@nestjs/common';
import type { SweepRepository, SweepStatus, SweepWithSpec, TrialCounts, TrialRepository } from '@tinysweep/db';
import type { SweepEvent, SweepEvents } from '@tinysweep/queue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSweeps } from './live-sweeps.js';

const SWEEP = '6a1640f0-37b9-457a-a6f4-5cffce290a27';
const counts = (c: Partial<TrialCounts>): TrialCounts => ({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, stopped: 0, ...c });

/** A sweep store whose state the test moves, as the dispatchers would. */
class Store {
  reads = 0;
  state: { status: SweepStatus; counts: TrialCounts; at: number } = { status: 'running', counts: counts({ running: 1, succeeded: 1 }), at: 1 };

  set(status: SweepStatus, c: Partial<TrialCounts>): void {
    this.state = { status, counts: counts(c), at: this.state.at + 1 };
  }

  get = async (): Promise<SweepWithSpec> => {
    this.reads++;
    const { status, counts: c, at } = this.state;
    return { id: SWEEP, status, counts: { ...c }, updatedAt: new Date(at) } as SweepWithSpec;
  };
}

function setup(first?: (store: Store) => void) {
  let push: (e: SweepEvent) => void = () => undefined;
  const events = { subscribe: async (cb: (e: SweepEvent) => void) => void (push = cb) } as unknown as SweepEvents;
  const store = new Store();
  first?.(store);
  const trials = { get: async (id: string) => ({ id, sweepId: SWEEP, status: 'succeeded' }) } as unknown as TrialRepository;
  const live = new LiveSweeps(events, { get: store.get } as unknown as SweepRepository, trials);
  const got: { type: string; sweep?: SweepWithSpec }[] = [];
  const sub = live.stream(SWEEP).subscribe((m: MessageEvent) => got.push(m.data as { type: string; sweep?: SweepWithSpec }));
  const statuses = () => got.filter((g) => g.type === 'sweep').map((g) => g.sweep!.status);
  return { store, got, statuses, push: (kind: SweepEvent['kind'] = 'finished') => push({ sweepId: SWEEP, trialId: 't1', kind }), stop: () => sub.unsubscribe() };
}

describe('LiveSweeps', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads the sweep once when the stream opens and once per notice, the last notice included', async () => {
    const s = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.statuses()).toEqual(['running']);
    s.store.set('completed', { succeeded: 2 });
    s.push();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.statuses()).toEqual(['running', 'completed']);
    expect(s.got.filter((g) => g.type === 'trial')).toHaveLength(1);
    const reads = s.store.reads;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.store.reads).toBe(reads); // nothing more happened: nothing more is read
    s.stop();
  });

  it('sends summaries in the order they were read: the final state is last', async () => {
    const s = setup();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 5; i++) {
      s.store.set('running', { running: 1, succeeded: i + 1 });
      s.push('progress');
      await vi.advanceTimersByTimeAsync(200);
    }
    s.store.set('completed', { succeeded: 6 });
    s.push();
    await vi.advanceTimersByTimeAsync(1000);
    const sweeps = s.got.filter((g) => g.type === 'sweep').map((g) => g.sweep!);
    expect(sweeps.at(-1)!.status).toBe('completed');
    const times = sweeps.map((w) => w.updatedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    s.stop();
  });
});

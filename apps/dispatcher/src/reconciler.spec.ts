import type { SearchRepository, TrainingRepository, TrialRepository } from '@tinysweep/db';
import { trainJobId, type TrainingJobSpec, type TrialQueue } from '@tinysweep/queue';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Reconciler } from './reconciler.js';
import type { SearchDriver } from './search-driver.js';
import type { SweepSpecs } from './sweep-specs.js';

/**
 * The reconciler restores a shared training's flow under its current segment's job ids: a training
 * promoted from an ASHA pause (segment 1) whose flow never reached Redis gets it, while one whose
 * current job is open is left alone (TrainingRepository.open lists no paused training at all).
 */
describe('Reconciler and shared trainings on later segments', () => {
  function setup(states: Record<string, string>) {
    const open = [
      { id: 'g1', sweepId: 's', attempts: 1, segment: 1 }, // promoted; its segment-1 flow is missing
      { id: 'g2', sweepId: 's', attempts: 2, segment: 2 }, // promoted; its segment-2 job waits
    ];
    const asked: string[] = [];
    const removed: Array<[string, number]> = [];
    const added: TrainingJobSpec[] = [];
    const trainings = { open: (after: string | null) => Promise.resolve(after === null ? open : []) } as unknown as TrainingRepository;
    const trials = { open: () => Promise.resolve([]), closeAbandonedAttempts: () => Promise.resolve(0) } as unknown as TrialRepository;
    const queue = {
      jobStates: () => Promise.resolve([]),
      stateOf: (id: string) => {
        asked.push(id);
        return Promise.resolve(states[id] ?? 'missing');
      },
      removeTrainingIfIdle: (id: string, segment: number) => {
        removed.push([id, segment]);
        return Promise.resolve(true);
      },
      enqueueTrainings: (specs: TrainingJobSpec[]) => {
        added.push(...specs);
        return Promise.resolve();
      },
    } as unknown as TrialQueue;
    const specs = { get: () => Promise.resolve({ maxAttempts: 3 }) } as unknown as SweepSpecs;
    const searches = { idleOpenSearches: () => Promise.resolve([]), idlePausedSweeps: () => Promise.resolve([]) } as unknown as SearchRepository;
    const reconciler = new Reconciler(trials, trainings, queue, specs, pino({ level: 'silent' }), { searches, driver: {} as SearchDriver });
    return { reconciler, asked, removed, added };
  }

  it("looks up each open training's current segment's job and re-adds only the missing flow, under that segment", async () => {
    const { reconciler, asked, removed, added } = setup({ [trainJobId('g2', 2)]: 'waiting' });
    expect(await reconciler.reconcileOnce()).toBe(1);
    expect(asked).toEqual(['train-g1-1', 'train-g2-2']);
    expect(removed).toEqual([['g1', 1]]);
    expect(added).toEqual([{ trainingId: 'g1', sweepId: 's', maxAttempts: 2, segment: 1, first: true }]);
  });

  it('keeps the first segment on the plain ids', () => {
    expect(trainJobId('g', 0)).toBe('train-g');
    expect(trainJobId('g')).toBe('train-g');
    expect(trainJobId('g', 3)).toBe('train-g-3');
  });
});

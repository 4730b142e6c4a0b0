/** Trial fixtures for unit tests. */
import type { Trial } from '@tinysweep/api-types';

let counter = 0;

export function trial(overrides: Partial<Trial> = {}): Trial {
  const n = counter++;
  const hex = n.toString(16).padStart(8, '0');
  return {
    id: `${hex}-0000-4000-8000-000000000000`,
    sweepId: '5eed0000-0000-4000-8000-000000000000',
    ordinal: n,
    status: 'succeeded',
    params: {},
    seed: 1,
    configHash: `cfg${n}`,
    groupHash: `grp${n}`,
    attempts: 1,
    trainerId: 'node-a',
    metrics: null,
    trainableParams: null,
    effectiveParams: null,
    error: null,
    queuedAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: '2026-01-01T00:00:02.000Z',
    reusedFromTrialId: null,
    trainingId: null,
    ...overrides,
  };
}

/** TrialView fixtures for unit tests. */
import type { TrialView } from '../api-types.js';

let counter = 0;

export function trial(overrides: Partial<TrialView> = {}): TrialView {
  const n = counter++;
  const hex = n.toString(16).padStart(8, '0');
  return {
    id: `${hex}-0000-4000-8000-000000000000`,
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
    ...overrides,
  };
}

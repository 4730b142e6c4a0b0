/**
 * The trial queries the CLI sends to `GET /sweeps/:id/trials`, and helpers over the API's statuses.
 *
 * The wire shapes themselves (sweeps, trials, counts, nodes, schedules, events...) are
 * `@tinysweep/api-types`, shared with the board; that lib has no dependencies, so the CLI stays a thin
 * HTTP client with no Nest or Prisma in its dependency graph.
 */
import { TERMINAL_SWEEP_STATUSES, type SweepStatus, type TrialStatus } from '@tinysweep/api-types';

/** Fixed sort keys of `GET /sweeps/:id/trials`; any `metrics.<name>` is accepted too. */
export const TRIAL_SORT_KEYS = ['ordinal', 'status', 'startedAt', 'finishedAt', 'trainableParams', 'effectiveParams'] as const;
export type TrialSortKey = (typeof TRIAL_SORT_KEYS)[number] | `metrics.${string}`;
export type SortOrder = 'asc' | 'desc';

export interface TrialQuery {
  offset?: number;
  limit?: number;
  sort?: TrialSortKey;
  order?: SortOrder;
  status?: TrialStatus;
}

/** Returns true for the sort keys the API accepts. */
export function isTrialSortKey(key: string): key is TrialSortKey {
  return (TRIAL_SORT_KEYS as readonly string[]).includes(key) || /^metrics\.[^\s]+$/.test(key);
}

export function isTerminalSweepStatus(status: SweepStatus): boolean {
  return TERMINAL_SWEEP_STATUSES.includes(status);
}

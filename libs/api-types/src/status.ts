/** Statuses as the API spells them (libs/db domain.ts), with the lists clients iterate over. */

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
/**
 * `stopped`: ended early by the search (ASHA at a rung) — neither a failure nor a cancellation; its
 * metrics hold the rung's value. `paused`: waiting at an ASHA rung (promotion: pause) with its state
 * checkpointed, to be promoted (continuing where it was) or stopped — open, not finished.
 */
export type TrialStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'stopped' | 'paused';

export const SWEEP_STATUSES: readonly SweepStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const TRIAL_STATUSES: readonly TrialStatus[] = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled', 'stopped'];
/** A sweep in one of these is done: nothing of it runs any more. */
export const TERMINAL_SWEEP_STATUSES: readonly SweepStatus[] = ['completed', 'failed', 'cancelled'];
/** A trial in one of these has its final result (until retried). */
export const TERMINAL_TRIAL_STATUSES: readonly TrialStatus[] = ['succeeded', 'failed', 'cancelled', 'stopped'];

/** Whether a config (or a whole run) held when its sweep was run again. */
export type Verdict = 'reproduced' | 'drifted' | 'failed';

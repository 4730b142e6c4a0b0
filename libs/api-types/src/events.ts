import type { Sweep } from './sweeps.js';
import type { Trial } from './trials.js';

/**
 * One `data:` payload of `GET /sweeps/:id/events` (server-sent events): a `trial` on each change of
 * one of its trials, `sweep` summaries (the first as soon as the stream opens), and a `ping` every
 * 15 s that keeps proxies from closing an idle stream.
 */
export type SweepEvent = { type: 'trial'; trial: Trial } | { type: 'sweep'; sweep: Sweep } | { type: 'ping' };

/**
 * The JSON the tinysweep HTTP API serves (timestamps as ISO-8601 strings), shared by the CLI and the
 * board so the two clients cannot drift. Shapes only; the only values are the status lists and the adapter formats.
 */
export * from './status.js';
export * from './adapter-formats.js';
export type * from './json.js';
export type * from './sweeps.js';
export type * from './trials.js';
export type * from './schedules.js';
export type * from './nodes.js';
export type * from './insights.js';
export type * from './events.js';

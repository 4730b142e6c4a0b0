/** What JSON can hold: params, specs and adapters arrive as such. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** Metric name → value, e.g. `{ score: 0.91, loss: 0.3 }`. */
export type Metrics = Record<string, number>;

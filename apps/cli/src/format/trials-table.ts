/**
 * The trials table of `tinysweep results` and `tinysweep watch`:
 *
 *   ┌───┬──────────┬───────────┬──────┬────────────────────────────┬───────┬───────────┬───────────┐
 *   │ # │ trial    │ status    │ seed │ params                     │ score │ trainable │ effective │
 *   ├───┼──────────┼───────────┼──────┼────────────────────────────┼───────┼───────────┼───────────┤
 *   │ 1 │ 3fa2c1d0 │ succeeded │ 1    │ adapter.rank=2 adapter.u=1 │ 0.81  │ 13        │ 9         │
 *
 * Only parameters that vary across the listed trials are shown (all of them for a single trial).
 */
import type { Trial } from '@tinysweep/api-types';
import { flattenParams, formatParamValue, unionKeys, varyingKeys, type FlatValue } from './flatten.js';
import { formatCount, formatMetric, shortId } from './numbers.js';
import { renderTable, type Align, type TableData } from './table.js';

export interface TrialsTableOptions {
  /** The sweep's metric; its column comes first among the metrics. */
  metric?: string;
  /** Metric columns. @defaultValue every metric any trial reports, `metric` first */
  metrics?: string[];
  /** Parameter keys (dotted) to show. @defaultValue the keys that vary across the trials */
  paramKeys?: string[];
  /** Rank of the first row. @defaultValue 1 */
  rankStart?: number;
}

/** Metric names reported by any of the trials: `primary` first (even if no trial has it yet), the rest sorted. */
export function metricNames(trials: readonly Trial[], primary?: string): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const name of Object.keys(t.metrics ?? {})) names.add(name);
  if (primary !== undefined) names.delete(primary);
  const rest = [...names].sort();
  return primary === undefined ? rest : [primary, ...rest];
}

/**
 * Parameter keys a table of these trials should show: those that vary, or every key when there is one
 * trial. A top-level `seed` parameter that repeats each trial's seed is left out (the table has a seed
 * column).
 */
export function tableParamKeys(trials: readonly Trial[], flat = trials.map((t) => flattenParams(t.params))): string[] {
  const keys = flat.length === 1 ? unionKeys(flat) : varyingKeys(flat);
  const seedRepeated = trials.every((t, i) => flat[i]!.seed === undefined || flat[i]!.seed === t.seed);
  return seedRepeated ? keys.filter((k) => k !== 'seed') : keys;
}

/** `key=value` pairs of the chosen keys, space-separated; keys a trial lacks are left out. */
export function paramsCell(flat: Record<string, FlatValue>, keys: readonly string[]): string {
  return keys
    .filter((k) => k in flat)
    .map((k) => `${k}=${formatParamValue(flat[k])}`)
    .join(' ');
}

export function trialsTableData(trials: readonly Trial[], opts: TrialsTableOptions = {}): TableData {
  const flat = trials.map((t) => flattenParams(t.params));
  const paramKeys = opts.paramKeys ?? tableParamKeys(trials, flat);
  const metrics = opts.metrics ?? metricNames(trials, opts.metric);
  const rankStart = opts.rankStart ?? 1;
  const showParams = paramKeys.length > 0;

  const head = ['#', 'trial', 'status', 'seed', ...(showParams ? ['params'] : []), ...metrics, 'trainable', 'effective'];
  const align: Align[] = ['right', 'left', 'left', 'right', ...(showParams ? ['left' as const] : []), ...metrics.map(() => 'right' as const), 'right', 'right'];
  const rows = trials.map((t, i) => [
    String(rankStart + i),
    shortId(t.id),
    statusCell(t),
    String(t.seed),
    ...(showParams ? [paramsCell(flat[i]!, paramKeys)] : []),
    ...metrics.map((m) => formatMetric(t.metrics?.[m])),
    formatCount(t.trainableParams),
    formatCount(t.effectiveParams),
  ]);
  return { head, rows, align };
}

/** The status, and where a reused result came from: `succeeded (reused 3fa2c1d0)`; `stopped` reads as ASHA's. */
export function statusCell(t: Pick<Trial, 'status' | 'reusedFromTrialId'>): string {
  if (t.reusedFromTrialId) return `${t.status} (reused ${shortId(t.reusedFromTrialId)})`;
  return t.status === 'stopped' ? 'stopped early' : t.status;
}

export function renderTrialsTable(trials: readonly Trial[], opts: TrialsTableOptions = {}): string {
  return renderTable(trialsTableData(trials, opts));
}

/**
 * Trials ranked by `metric` (best first: descending when `maximize`), keeping only succeeded trials that
 * report it. Ties keep ordinal order.
 */
export function rankByMetric(trials: Iterable<Trial>, metric: string, maximize: boolean): Trial[] {
  const scored = [...trials].filter((t) => t.status === 'succeeded' && typeof t.metrics?.[metric] === 'number');
  return scored.sort((a, b) => {
    const va = a.metrics![metric]!;
    const vb = b.metrics![metric]!;
    if (va !== vb) return maximize ? vb - va : va - vb;
    return a.ordinal - b.ordinal;
  });
}

/**
 * Combines a sweep's configs (one row per group_hash, from libs/db AggregateRepository's pass) into
 * what the board draws: heatmap cells, per-config lines, config labels, parameter facets. Pure
 * functions over at most one row per config, so a 100,000-trial sweep with 10 seeds is 10,000
 * rows here, combined in a few milliseconds. Pooled values are summarised by
 * ../replicates/config-summary.ts, as a single config's replicates are.
 */
import type { FacetValue, GroupKeys, GroupMetric } from '@tinysweep/db';
import type { ReplicateSummary } from '@tinysweep/api-types';
import { summarise } from '../replicates/config-summary.js';

/** A metric pooled over trials (of one or more configs). */
export interface Pooled extends ReplicateSummary {
  /** Configs among the trials. */
  configs: number;
}

/**
 * Pools configs' (n, mean, m2) with Chan et al.'s parallel update — no sum-of-squares
 * cancellation, so a metric in the millions with a tiny spread keeps its std.
 */
export function pool(groups: readonly GroupMetric[]): Pooled | null {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const g of groups) {
    if (g.n <= 0) continue;
    const total = n + g.n;
    const delta = g.mean - mean;
    mean += (delta * g.n) / total;
    m2 += g.m2 + (delta * delta * n * g.n) / total;
    n = total;
    if (g.min < min) min = g.min;
    if (g.max > max) max = g.max;
  }
  if (n === 0) return null;
  return { ...summarise({ n, mean, m2, min, max })!, configs: groups.filter((g) => g.n > 0).length };
}

/** Orders parameter values: numbers by value, then text; absent last. */
export function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const na = Number(a);
  const nb = Number(b);
  const aNum = a.trim() !== '' && Number.isFinite(na);
  const bNum = b.trim() !== '' && Number.isFinite(nb);
  if (aNum && bNum) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : 1;
}

/** A sweep's configs with their parameter texts, indexed for the combinations below. */
export interface ConfigTable {
  /** Dotted parameter paths, in the order of each GroupKeys.keys (seed is not among them). */
  paths: string[];
  groups: GroupKeys[];
  /** Trials per seed (seeds vary inside a config). */
  seeds: FacetValue[];
}

export interface FacetSummary {
  path: string;
  distinct: number;
  values: FacetValue[];
  numeric: { min: number; max: number } | null;
}

/** Distinct values of each path, counted in trials; seed counts come from their own query. */
export function facets(table: ConfigTable, maxValues = 60): FacetSummary[] {
  const out: FacetSummary[] = table.paths.map((path, i) => {
    const counts = new Map<string | null, number>();
    for (const g of table.groups) {
      const v = g.keys[i] ?? null;
      counts.set(v, (counts.get(v) ?? 0) + g.trials);
    }
    return summary(path, [...counts].map(([value, count]) => ({ value, count })), maxValues);
  });
  if (table.seeds.length > 0) out.push(summary('seed', [...table.seeds], maxValues));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function summary(path: string, values: FacetValue[], maxValues: number): FacetSummary {
  const numbers = values.map((v) => (v.value === null ? Number.NaN : Number(v.value)));
  const allNumeric = values.length > 0 && values.every((v, i) => v.value !== null && v.value.trim() !== '' && Number.isFinite(numbers[i]));
  const kept = values.length > maxValues ? [...values].sort((a, b) => b.count - a.count).slice(0, maxValues) : values;
  return {
    path,
    distinct: values.length,
    values: kept.sort((a, b) => compareValues(a.value, b.value)),
    numeric: allNumeric ? { min: Math.min(...numbers), max: Math.max(...numbers) } : null,
  };
}

/** Paths whose value differs between configs: what tells configs apart in a label. */
export function varyingPaths(table: ConfigTable): number[] {
  const out: number[] = [];
  table.paths.forEach((_, i) => {
    const first = table.groups[0]?.keys[i] ?? null;
    if (table.groups.some((g) => (g.keys[i] ?? null) !== first)) out.push(i);
  });
  return out;
}

/** Paths that vary with at most `max` values: what a heatmap axis or a series' x can be. */
export function groupablePaths(table: ConfigTable, max = 60): number[] {
  return varyingPaths(table).filter((i) => new Set(table.groups.map((g) => g.keys[i] ?? null)).size <= max);
}

/** The first of `prefer` that is among `candidates` (and not `not`), else the first candidate. */
export function pickPath(table: ConfigTable, candidates: number[], prefer: string[], not?: number): number | undefined {
  for (const p of prefer) {
    const i = table.paths.indexOf(p);
    if (i >= 0 && i !== not && candidates.includes(i)) return i;
  }
  return candidates.find((i) => i !== not);
}

export interface GridCell extends Pooled {
  x: string | null;
  y: string | null;
}

/** The metric pooled by the values of path x (and y): a heatmap, or bars when y is absent. */
export function grid(table: ConfigTable, metrics: ReadonlyMap<string, GroupMetric>, x: number, y?: number): GridCell[] {
  const cells = new Map<string, { x: string | null; y: string | null; groups: GroupMetric[] }>();
  for (const g of table.groups) {
    const m = metrics.get(g.groupHash);
    if (!m) continue;
    const xv = g.keys[x] ?? null;
    const yv = y === undefined ? null : (g.keys[y] ?? null);
    const key = JSON.stringify([xv, yv]);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { x: xv, y: yv, groups: [] }));
    cell.groups.push(m);
  }
  return [...cells.values()]
    .map((c) => ({ x: c.x, y: c.y, ...pool(c.groups)! }))
    .sort((a, b) => compareValues(a.x, b.x) || compareValues(a.y, b.y));
}

export interface SeriesLine {
  /** `path=value` of what tells this line's config apart from the other lines shown. */
  label: string;
  /** The config's varying parameters (x left out). */
  config: Record<string, string | null>;
  /** The line's best pooled mean. */
  best: number;
  points: (Pooled & { x: string | null })[];
}

/**
 * The metric against path x, one line per config (every other parameter equal), seeds pooled:
 * the `limit` lines whose best point is best.
 */
export function series(table: ConfigTable, metrics: ReadonlyMap<string, GroupMetric>, x: number, maximize: boolean, limit: number): { configs: number; lines: SeriesLine[] } {
  const vary = varyingPaths(table).filter((i) => i !== x);
  const lines = new Map<string, { keys: (string | null)[]; byX: Map<string | null, GroupMetric[]> }>();
  for (const g of table.groups) {
    const m = metrics.get(g.groupHash);
    if (!m) continue;
    let id = '';
    for (const i of vary) id += `${g.keys[i] ?? '\u0002'}\u0001`;
    let line = lines.get(id);
    if (!line) lines.set(id, (line = { keys: vary.map((i) => g.keys[i] ?? null), byX: new Map() }));
    const xv = g.keys[x] ?? null;
    const at = line.byX.get(xv);
    if (at) at.push(m);
    else line.byX.set(xv, [m]);
  }
  const all = [...lines.values()].map((l) => {
    const points = [...l.byX].map(([xv, gs]) => ({ x: xv, ...pool(gs)! })).sort((a, b) => compareValues(a.x, b.x));
    const best = points.reduce((b, p) => (maximize ? Math.max(b, p.mean) : Math.min(b, p.mean)), maximize ? -Infinity : Infinity);
    return { keys: l.keys, points, best };
  });
  all.sort((a, b) => (maximize ? b.best - a.best : a.best - b.best));
  const shown = all.slice(0, limit);
  // Label by what differs among the lines shown, not among all configs.
  const differs = vary.map((_, j) => shown.some((l) => l.keys[j] !== shown[0]!.keys[j]));
  return {
    configs: all.length,
    lines: shown.map((l) => {
      const config: Record<string, string | null> = {};
      vary.forEach((i, j) => (config[table.paths[i]!] = l.keys[j] ?? null));
      const parts = vary.flatMap((i, j) => (differs[j] ? [`${table.paths[i]}=${l.keys[j] ?? '—'}`] : []));
      return { label: parts.join(', ') || 'all configs', config, best: l.best, points: l.points };
    }),
  };
}

/** Labels of configs: the parameters that vary across the sweep, as `path=value` and as a record. */
export function configLabeller(table: ConfigTable): (keys: readonly (string | null)[] | undefined) => { label: string; config: Record<string, string | null> } {
  const vary = varyingPaths(table);
  return (keys) => {
    const config: Record<string, string | null> = {};
    for (const i of vary) config[table.paths[i]!] = keys?.[i] ?? null;
    const label = Object.entries(config).map(([k, v]) => `${k}=${v ?? '—'}`).join(', ') || 'the only config';
    return { label, config };
  };
}

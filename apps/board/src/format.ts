/** Formatting for people: numbers, durations, times, parameter values. */
import type { Json, JsonObject } from '@tinysweep/api-types';

const nf = new Intl.NumberFormat('en-US');

export function int(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : nf.format(n);
}

/** A metric value: 4 significant digits, no exponent for ordinary magnitudes. */
export function metric(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

export function ci(ci95: [number, number] | null | undefined): string {
  return ci95 ? `[${metric(ci95[0])}, ${metric(ci95[1])}]` : 'n/a (one value)';
}

/** mean ± half-width of the 95% interval. */
export function meanCi(mean: number, ci95: [number, number] | null | undefined): string {
  return ci95 ? `${metric(mean)} ± ${metric((ci95[1] - ci95[0]) / 2)}` : metric(mean);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = now - new Date(iso).getTime();
  if (ms < 5000) return 'just now';
  return `${duration(ms).replace(/ \d+ (s|min)$/, '')} ago`;
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A parameter value as the API's filters and facets write it (`params #>> path`). */
export function paramText(v: Json | undefined): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The value at a dotted path of a params object. */
export function at(params: JsonObject, path: string): Json | undefined {
  let v: Json | undefined = params;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as JsonObject)[part];
  }
  return v;
}

/** Leaf paths of a params object, objects walked: [['adapter.rank', 2], …]. */
export function flatten(params: JsonObject, prefix = ''): [string, Json][] {
  return Object.entries(params).flatMap(([k, v]): [string, Json][] => {
    const path = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 ? flatten(v as JsonObject, path) : [[path, v]];
  });
}

/** The last part of a dotted path, for narrow column headers. */
export function short(path: string): string {
  const parts = path.split('.');
  return parts.length > 2 ? parts.slice(-2).join('.') : path;
}

/** The numbers of an adapter: its `v` when it has one, else the first array of numbers in it. */
export function adapterNumbers(adapter: Json): number[] | null {
  const isNums = (a: Json): a is number[] => Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === 'number');
  if (adapter === null || typeof adapter !== 'object') return null;
  if (!Array.isArray(adapter) && isNums(adapter.v ?? null)) return adapter.v as number[];
  const stack: Json[] = [adapter];
  while (stack.length > 0) {
    const x = stack.shift()!;
    if (isNums(x)) return x;
    if (x !== null && typeof x === 'object') stack.push(...(Array.isArray(x) ? x : Object.values(x)));
  }
  return null;
}

/** Text made safe to put in HTML (chart tooltips are HTML strings). */
export function esc(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

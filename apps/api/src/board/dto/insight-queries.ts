import { BadRequestException } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function bad(path: string, message: string): never {
  throw new BadRequestException({ message: `${path}: ${message}`, issues: [{ path, message }] });
}

/**
 * A parameter path from the query: `params.adapter.rank` (the `params.` prefix is optional) →
 * ['adapter', 'rank']. Segments are any non-empty text; they travel to SQL as a bound text[].
 */
export function paramPath(q: Record<string, unknown>, name: string, fallback?: string): string[] | undefined {
  const raw = q[name] ?? fallback;
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 300) bad(name, 'must be a parameter path such as params.adapter.rank');
  const path = (raw.startsWith('params.') ? raw.slice('params.'.length) : raw).split('.');
  if (path.some((s) => s === '')) bad(name, `'${raw}' is not a parameter path (params.<name>[.<name>…])`);
  return path;
}

/** `metric`: a metric name, else the sweep's objective. */
export function metricName(q: Record<string, unknown>, fallback: string): string {
  const m = q.metric;
  if (m === undefined || m === '') return fallback;
  if (typeof m !== 'string' || m.length > 200) bad('metric', 'must be a metric name of at most 200 characters');
  return m;
}

/** A bounded non-negative integer. */
export function intParam(q: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const v = q[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) bad(name, `must be an integer from 0 to ${max}`);
  return n;
}

/** `trialIds=a,b,c` (or repeated): at most `max` UUIDs. */
export function trialIds(q: Record<string, unknown>, max: number): string[] {
  const raw = q.trialIds;
  if (raw === undefined || raw === '') return [];
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((p) => String(p).split(',')).map((s) => s.trim()).filter(Boolean);
  if (parts.length > max) bad('trialIds', `at most ${max} trials`);
  for (const p of parts) if (!UUID.test(p)) bad('trialIds', `'${p.slice(0, 40)}' is not a trial id`);
  return [...new Set(parts)];
}

/** A flag: `true`/`1` or `false`/`0` (absent: `fallback`). */
export function boolParam(q: Record<string, unknown>, name: string, fallback = false): boolean {
  const v = q[name];
  if (v === undefined || v === '') return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  bad(name, 'must be true or false');
}

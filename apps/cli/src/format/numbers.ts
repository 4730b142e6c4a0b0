/** Small text formatters shared by the tables and progress lines. */

/** Metric value for display: integers as-is, others rounded for reading (full precision is in csv/json). */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  // 4 significant digits below 1 (0.0002, 0.8123), 4 decimals above (1.2346, 123.4568).
  return String(Number(Math.abs(value) < 1 ? value.toPrecision(4) : value.toFixed(4)));
}

/** Integer count with thousands separators (`1,234`); empty for null. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value.toLocaleString('en-US');
}

/** Milliseconds as `850ms`, `42s`, `3m05s`, `2h03m`, `3d04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** First 8 characters of an id (a UUID's first group), enough to tell trials of one sweep apart. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

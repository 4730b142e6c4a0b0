/**
 * Flattening of nested trial parameters into dotted keys, and detection of the keys whose value differs
 * between trials (the ones worth a column).
 *
 *   flattenParams({ adapter: { rank: 2, tie: { mode: 'tiled', n: 16 } } })
 *   // → { 'adapter.rank': 2, 'adapter.tie.mode': 'tiled', 'adapter.tie.n': 16 }
 */

/** A flattened value: a primitive, or an array kept whole (arrays are values, e.g. a module list). */
export type FlatValue = string | number | boolean | null | readonly unknown[] | Record<string, never>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Flattens nested plain objects into `a.b.c` keys, in the objects' own key order. Arrays and empty
 * objects are leaves (kept whole), so `{ modules: ['q', 'k'] }` gives `{ modules: ['q', 'k'] }`.
 */
export function flattenParams(params: Record<string, unknown>, prefix = ''): Record<string, FlatValue> {
  const out: Record<string, FlatValue> = {};
  for (const [key, value] of Object.entries(params)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(value) && Object.keys(value).length > 0) Object.assign(out, flattenParams(value, path));
    else out[path] = toFlatValue(value);
  }
  return out;
}

function toFlatValue(value: unknown): FlatValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value;
  if (isPlainObject(value)) return {};
  return String(value);
}

/**
 * Text of a flattened value as a table cell or CSV field shows it: strings as-is, arrays and objects as
 * compact JSON, null (and a missing key) as the empty string.
 */
export function formatParamValue(value: FlatValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Union of the keys of several flattened records, in first-seen order. */
export function unionKeys(records: readonly Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

/**
 * Keys whose value is not the same in every record (a key missing from some records but present in
 * others varies too). Order follows {@link unionKeys}.
 */
export function varyingKeys(records: readonly Record<string, FlatValue>[]): string[] {
  if (records.length < 2) return [];
  return unionKeys(records).filter((key) => {
    const first = cellKey(records[0]![key]);
    return records.some((r) => cellKey(r[key]) !== first);
  });
}

/** Distinguishes a missing key from a null or an empty string when comparing values. */
function cellKey(value: FlatValue | undefined): string {
  if (value === undefined) return '\u0000missing';
  if (value === null) return '\u0000null';
  return `${typeof value}:${formatParamValue(value)}`;
}

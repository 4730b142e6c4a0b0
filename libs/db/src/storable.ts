/**
 * Values a program reported, made storable: Postgres text and jsonb hold no NUL character (a log
 * line with one made the whole result unstorable), and counts are whole numbers a JSON number
 * carries exactly. What cannot be stored is left out alone — with a note — instead of losing the
 * result it came with.
 */

/** The largest count stored: 2^53 − 1 (exact as a JSON number, and within BIGINT). */
export const MAX_STORED_COUNT = Number.MAX_SAFE_INTEGER;

/** `s` without NUL characters (Postgres text cannot hold them). */
export function storableText(s: string): string;
export function storableText(s: string | null): string | null;
export function storableText(s: string | null): string | null {
  return s === null ? null : s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
}

/** A JSON value with NUL characters removed from every string and key (jsonb refuses \u0000). */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => storableJson(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storableText(k)] = storableJson(v);
    return out as T;
  }
  return value;
}

/** A count (parameters, step) if it is a whole number in [0, 2^53); else undefined. */
export function storableCount(n: number | null | undefined): number | null | undefined {
  if (n === null || n === undefined) return n;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A curve step: any whole number JSON carries exactly (negative steps are the program's business). */
export function isStorableStep(step: number): boolean {
  return Number.isSafeInteger(step);
}

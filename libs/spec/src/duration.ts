/**
 * Durations as users write them in a spec: a number of milliseconds, or text such as `500ms`, `90s`,
 * `30m`, `2h`, `1d`, `1.5h` or a sum like `1h30m` / `1h 30m`.
 */
import { SpecError } from './errors/spec-error.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)/y;
const BARE_NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;
const HINT = 'use milliseconds (a number) or text like "500ms", "90s", "30m", "2h", "1h30m"';

/**
 * Converts a duration to whole milliseconds (rounded).
 *
 * @param text - a non-negative number of milliseconds, a digits-only string (also milliseconds), or
 *   one or more `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`.
 * @param field - the spec path named in the error, e.g. `budget.trialTimeout`.
 * @throws SpecError naming `field` when the text is not a duration, or is negative, or not finite.
 */
export function parseDuration(text: string | number, field: string): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw SpecError.at(field, `must be a non-negative duration (got ${text}); ${HINT}`);
    return Math.round(text);
  }
  if (typeof text !== 'string') throw SpecError.at(field, `must be a duration; ${HINT}`);
  const s = text.trim();
  if (BARE_NUMBER.test(s)) return Math.round(Number(s));
  let total = 0;
  let pos = 0;
  PART.lastIndex = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) break;
    total += Number(m[1]) * (UNIT_MS[m[2]] ?? Number.NaN);
    pos = PART.lastIndex;
    while (s[pos] === ' ') pos++;
  }
  if (s === '' || pos !== s.length || !Number.isFinite(total)) {
    throw SpecError.at(field, `invalid duration ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}; ${HINT}`);
  }
  return Math.round(total);
}

/** Writes milliseconds the short way round (`1800000` → `30m`, `90000` → `1m30s`), for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

/**
 * Content hashes of configurations: equal configurations hash equal however they were written.
 *
 * Canonical JSON: object keys sorted (by UTF-16 code unit), `undefined` object members left out (as
 * JSON.stringify does), `undefined` array items written as `null`, `-0` written as `0`, objects with a
 * `toJSON()` (Date) replaced by its result. 1 and 1.0 are the same JS number, so they agree. NaN,
 * ±Infinity, bigint, functions, symbols, class instances (Map, Set, …) and cycles are refused with a
 * TypeError rather than hashed lossily (JSON would turn NaN into null and collide it with null).
 */
import { createHash } from 'node:crypto';
import { formatPath } from './spec-path.js';

/** The canonical JSON text of a value (see the module comment for the rules). */
export function canonicalJson(value: unknown): string {
  return encode(value, [], new Set<object>(), undefined);
}

/** SHA-256, hex, of {@link canonicalJson}: the identity of a configuration. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** SHA-256, hex, of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The canonical JSON of a value with holes: wherever `slotOf(v)` gives a number, `fill(parts)` puts
 * `parts[thatNumber]` (itself canonical JSON). For hashing many configurations of one shape (a sweep's
 * trials) by string joins instead of re-encoding each one: `fill` of the parts' encodings equals
 * `canonicalJson` of the value with the holes filled in.
 */
export interface CanonicalTemplate {
  fill(parts: readonly string[]): string;
}

/** Builds a {@link CanonicalTemplate}; see there. */
export function canonicalTemplate(value: unknown, slotOf: (v: unknown) => number | undefined): CanonicalTemplate {
  // NUL cannot appear raw in canonical JSON (JSON.stringify escapes it), so it safely marks a hole.
  const pieces = encode(value, [], new Set<object>(), slotOf).split('\u0000');
  const fragments: string[] = [];
  const slots: number[] = [];
  pieces.forEach((piece, i) => (i % 2 === 0 ? fragments.push(piece) : slots.push(Number(piece))));
  return {
    fill(parts) {
      let out = fragments[0];
      for (let i = 0; i < slots.length; i++) out += parts[slots[i]] + fragments[i + 1];
      return out;
    },
  };
}

function fail(what: string, path: PropertyKey[]): never {
  throw new TypeError(`canonicalJson: ${what} at ${formatPath(path) || 'the root'}`);
}

type SlotOf = ((v: unknown) => number | undefined) | undefined;

function encode(value: unknown, path: PropertyKey[], stack: Set<object>, slotOf: SlotOf): string {
  if (slotOf !== undefined) {
    const slot = slotOf(value);
    if (slot !== undefined) return `\u0000${slot}\u0000`;
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(`${value} is not a finite number`, path);
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object':
      break;
    default:
      fail(`cannot encode a ${typeof value}`, path);
  }
  if (value === null) return 'null';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return encode(toJSON.call(value) as unknown, path, stack, slotOf);
  if (stack.has(value)) fail('cycle', path);
  stack.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      if (item === undefined) out += 'null';
      else {
        path.push(i);
        out += encode(item, path, stack, slotOf);
        path.pop();
      }
    }
    out += ']';
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      fail(`cannot encode a ${(value as object).constructor?.name ?? 'object'} (use plain objects and arrays)`, path);
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out = '{';
    let first = true;
    for (const k of keys) {
      const v = record[k];
      if (v === undefined) continue;
      if (!first) out += ',';
      first = false;
      path.push(k);
      out += `${JSON.stringify(k)}:${encode(v, path, stack, slotOf)}`;
      path.pop();
    }
    out += '}';
  }
  stack.delete(value);
  return out;
}

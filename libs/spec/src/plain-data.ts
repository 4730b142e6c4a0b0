/**
 * A guard run on every spec before validation: the value must be plain data (what JSON or YAML can
 * carry: objects, arrays, strings, finite numbers, booleans, null), no deeper than `maxDepth`, and
 * no bigger than `maxBytes` as JSON. It walks with an explicit stack and stops at the first problem,
 * so neither a cyclic object, nor a 100,000-deep one, nor a YAML anchor graph that expands to
 * gigabytes costs more than `maxBytes` of work.
 */
import type { SpecIssue } from './errors/spec-error.js';
import { childPath } from './spec-path.js';
import { LONE_SURROGATE, unstorableText } from './storable-text.js';

export interface PlainDataLimits {
  /** Deepest nesting of objects/arrays allowed (a scalar is depth 0, `{a: 1}` depth 1). */
  maxDepth: number;
  /** Largest JSON text allowed, about (string escapes are not counted), in UTF-16 code units. */
  maxBytes: number;
}

interface Frame {
  value: unknown;
  path: string;
  depth: number;
}

/** The first problem found, or undefined when the value is plain data within the limits. */
export function checkPlainData(root: unknown, limits: PlainDataLimits): SpecIssue | undefined {
  const stack: Frame[] = [{ value: root, path: '', depth: 0 }];
  let size = 0;
  const tooBig = (): SpecIssue => ({
    path: '',
    message: `spec is larger than ${limits.maxBytes.toLocaleString('en-US')} bytes as JSON (the maxBytes limit)`,
  });
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as Frame;
    switch (typeof value) {
      case 'string': {
        const why = unstorableText(value);
        if (why) return { path, message: path === '' ? `the spec ${why}` : why };
        size += value.length + 2;
        break;
      }
      case 'boolean':
        size += 5;
        break;
      case 'number':
        if (!Number.isFinite(value)) return { path, message: `must be a finite number (got ${value})` };
        size += String(value).length;
        break;
      case 'undefined':
        size += 4; // only array items reach here (written as null); object members are skipped below
        break;
      case 'object': {
        if (value === null) {
          size += 4;
          break;
        }
        if (depth >= limits.maxDepth) {
          return { path, message: `nested deeper than ${limits.maxDepth} levels (the maxDepth limit)` };
        }
        if (Array.isArray(value)) {
          size += 2 + value.length;
          if (size > limits.maxBytes) return tooBig();
          for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: childPath(path, i), depth: depth + 1 });
          break;
        }
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const name = (value as object).constructor?.name ?? 'object';
          return { path, message: `must be plain data (a mapping, list, string, number or boolean), not a ${name}` };
        }
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        size += 2;
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          if (key === '__proto__') return { path: childPath(path, key), message: 'key "__proto__" is not allowed' };
          const badKey = unstorableText(key);
          if (badKey) return { path: childPath(path, key.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE, '\ufffd')), message: `key ${badKey}` };
          const child = record[key];
          if (child === undefined) continue;
          size += key.length + 4;
          if (size > limits.maxBytes) return tooBig();
          stack.push({ value: child, path: childPath(path, key), depth: depth + 1 });
        }
        break;
      }
      default:
        return { path, message: `must be plain data (a mapping, list, string, number or boolean), not a ${typeof value}` };
    }
    if (size > limits.maxBytes) return tooBig();
  }
  return undefined;
}

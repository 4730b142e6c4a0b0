/**
 * Small zod building blocks that give every spec error a path and a message a user can act on
 * ("must be a positive integer (got -2)", "unknown key (did you mean "rank"?)"), instead of zod's
 * generic "Invalid input". Internal: not exported from the package.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors/spec-error.js';
import type { NumericAxis, NumericRange } from './spec-types.js';
import { formatPath } from './spec-path.js';

/** A zod error-map function (what the `error` option of a schema accepts). */
type ErrorFn = (iss: z.core.$ZodRawIssue) => string | undefined;

/** The refinement context handed to `.transform()` callbacks. */
export type Ctx = z.RefinementCtx;

/** ` (got …)` describing a received value, for messages; empty for `undefined`. */
export function got(input: unknown): string {
  if (input === undefined) return '';
  if (input === null) return ' (got null)';
  if (Array.isArray(input)) return ' (got a list)';
  if (typeof input === 'object') return ' (got a mapping)';
  if (typeof input === 'string') return ` (got ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)})`;
  return ` (got ${String(input)})`;
}

/** An error map answering "required" for a missing value and "must be <what> (got …)" otherwise. */
export function expects(what: string): ErrorFn {
  return (iss) => (iss.input === undefined && iss.code === 'invalid_type' ? 'required' : `must be ${what}${got(iss.input)}`);
}

/** Adds one issue at `path` (relative to the schema being parsed). */
export function report(ctx: Ctx, message: string, path: PropertyKey[] = [], input?: unknown): void {
  ctx.addIssue({ code: 'custom', message, path, input });
}

/**
 * Re-reports issues of a nested parse under `prefix`, keeping their messages. Unknown keys become one
 * custom issue per key: zod lets an `unrecognized_keys` issue flow on into later transforms (it
 * treats it as not about the value), which must not happen to a value this parse has rejected.
 */
export function reportAll(ctx: Ctx, issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): void {
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const { path, message } of splitUnknownKeys(iss)) report(ctx, message, [...prefix, ...path]);
    } else {
      ctx.addIssue({ ...iss, path: [...prefix, ...iss.path] } as z.core.$ZodRawIssue);
    }
  }
}

/** One `{ path, message }` per key of an `unrecognized_keys` issue made by {@link strictObject}. */
function splitUnknownKeys(iss: z.core.$ZodIssueUnrecognizedKeys): Array<{ path: PropertyKey[]; message: string }> {
  const lines = iss.message.split('\n');
  return iss.keys.map((k, i) => {
    const prefix = `${JSON.stringify(k)}: `;
    const line = lines[i];
    return { path: [...iss.path, k], message: line?.startsWith(prefix) ? line.slice(prefix.length) : 'unknown key' };
  });
}

/** True for a plain object (a YAML/JSON mapping). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// ---- scalars -------------------------------------------------------------------------------------

/** A string of at least one non-blank character (trimmed). */
export function nonEmptyString(what = 'a non-empty string'): z.ZodType<string> {
  const error = expects(what);
  return z
    .string({ error })
    .trim()
    .min(1, { error: () => `must not be empty` });
}

/** An integer in [min, max]. */
export function intIn(min: number, max: number, what: string): z.ZodType<number> {
  const error = expects(what);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A positive (safe) integer. */
export function positiveInt(): z.ZodType<number> {
  return intIn(1, Number.MAX_SAFE_INTEGER, 'a positive integer');
}

/** A non-negative (safe) integer. */
export function nonNegativeInt(): z.ZodType<number> {
  return intIn(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
}

/** A finite number > 0. */
export function positiveNumber(): z.ZodType<number> {
  const error = expects('a positive number');
  return z.number({ error }).gt(0, { error });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number]> {
  const list = values.map((v) => `'${v}'`).join(', ');
  return z.enum(values, { error: expects(`one of ${list}`) }) as unknown as z.ZodType<T[number]>;
}

// ---- objects ----------------------------------------------------------------------------------------

/**
 * A mapping with exactly these keys (missing optional ones allowed). Each unknown key becomes its
 * own issue at its own path, with a "did you mean" when one allowed key is close.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return iss.keys.map((k) => `${JSON.stringify(k)}: ${unknownKeyMessage(k, allowed)}`).join('\n');
      }
      if (iss.code === 'invalid_type') return expects('a mapping')(iss);
      return undefined;
    },
  });
}

/** "unknown key" plus a hint: the closest allowed key, or the list of allowed keys. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const near = closest(key, allowed);
  if (near !== undefined) return `unknown key (did you mean "${near}"?)`;
  return `unknown key; allowed: ${allowed.join(', ')}`;
}

/** The allowed word within edit distance ⌈len/3⌉ (at least 1) of `word`, if exactly one is closest. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.ceil(word.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(word.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * A mapping told apart by a string `key` (e.g. `kind`): parsed with the variant it names. Kinds in
 * `later` are refused with "not supported yet"; other unknown kinds list the supported ones.
 */
export function tagged<V extends Record<string, z.ZodType>>(
  key: string,
  variants: V,
  later: readonly string[] = [],
): z.ZodType<z.output<V[keyof V]>> {
  const kinds = Object.keys(variants);
  const list = kinds.map((k) => `'${k}'`).join(' or ');
  return z.unknown().transform((input, ctx) => {
    if (!isMapping(input)) {
      report(ctx, `must be a mapping with a ${key} (${list})${got(input)}`, [], input);
      return z.NEVER;
    }
    const tag = input[key];
    if (tag === undefined) {
      report(ctx, `required: ${list}`, [key]);
      return z.NEVER;
    }
    if (typeof tag === 'string' && later.includes(tag)) {
      report(ctx, `'${tag}' is not supported yet; use ${list}`, [key], tag);
      return z.NEVER;
    }
    if (typeof tag !== 'string' || !Object.hasOwn(variants, tag)) {
      const near = typeof tag === 'string' ? closest(tag, kinds) : undefined;
      report(ctx, `must be ${list}${got(tag)}${near ? ` (did you mean '${near}'?)` : ''}`, [key], tag);
      return z.NEVER;
    }
    const parsed = variants[tag].safeParse(input);
    if (!parsed.success) {
      reportAll(ctx, parsed.error.issues);
      return z.NEVER;
    }
    return parsed.data as z.output<V[keyof V]>;
  });
}

// ---- sweep axes ---------------------------------------------------------------------------------------

/**
 * A sweep axis: a scalar (an axis of one value) or a non-empty list of values, each checked by
 * `item`. Issues point at the item (`adapter.rank[1]`) or, for a scalar, at the field itself.
 */
export function axis<T>(item: z.ZodType<T>): z.ZodType<T[]> {
  return z.unknown().transform((input, ctx) => {
    if (Array.isArray(input) && input.length === 0) {
      report(ctx, 'must not be an empty list (give at least one value)', [], input);
      return z.NEVER;
    }
    const list: unknown[] = Array.isArray(input) ? input : [input];
    const out: T[] = [];
    let ok = true;
    list.forEach((value, i) => {
      const parsed = item.safeParse(value);
      if (parsed.success) out.push(parsed.data);
      else {
        ok = false;
        reportAll(ctx, parsed.error.issues, Array.isArray(input) ? [i] : []);
      }
    });
    return ok ? out : z.NEVER;
  });
}

/** A mapping that is a range (`{ min, max, log?, int? }`), not a value. */
export function isRangeInput(v: unknown): v is Record<string, unknown> {
  return isMapping(v) && ('min' in v || 'max' in v);
}

/**
 * A numeric range `{ min, max, log? }` (a sampling search draws from it), each bound checked like a
 * value of the field (`item`), min < max, log needing min > 0. `int` is the field's (rank, u, …: the
 * normalized range says so, and may repeat it); `intKey` lets the mapping choose it (a param's
 * `int: true`). Issues name the bound (`optimizer.lr.min`).
 */
export function numericRange(input: Record<string, unknown>, ctx: Ctx, item: z.ZodType<number>, o: { int: boolean; intKey?: boolean; path?: PropertyKey[] }): NumericRange | undefined {
  const allowed = ['min', 'max', 'log', 'int'];
  const at = (key: string): PropertyKey[] => [...(o.path ?? []), key];
  let ok = true;
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) {
      report(ctx, unknownKeyMessage(key, allowed), at(key));
      ok = false;
    }
  }
  const int = o.intKey && input.int !== undefined ? input.int : o.int;
  if (typeof int !== 'boolean') {
    report(ctx, `must be true or false${got(int)}`, at('int'), int);
    return undefined;
  }
  if (!o.intKey && input.int !== undefined && input.int !== o.int) {
    report(ctx, `is ${o.int} for this field: it takes ${o.int ? 'whole numbers' : 'any number in the range'}${got(input.int)}`, at('int'), input.int);
    return undefined;
  }
  const bound = (key: 'min' | 'max'): number | undefined => {
    if (input[key] === undefined) {
      report(ctx, `required: a range needs both min and max`, at(key));
      return undefined;
    }
    const parsed = (int ? item.pipe(z.number().int({ error: expects('a whole number') })) : item).safeParse(input[key]);
    if (parsed.success) return parsed.data;
    reportAll(ctx, parsed.error.issues, at(key));
    return undefined;
  };
  const min = bound('min');
  const max = bound('max');
  const log = input.log ?? false;
  if (typeof log !== 'boolean') {
    report(ctx, `must be true or false${got(log)}`, at('log'), log);
    ok = false;
  }
  if (!ok || min === undefined || max === undefined) return undefined;
  if (!(min < max)) {
    report(ctx, `must be less than max (got min ${min}, max ${max}); for one value write the value`, at('min'));
    return undefined;
  }
  if (log === true && !(min > 0)) {
    report(ctx, `must be greater than 0 for a log-scaled range (got ${min})`, at('min'));
    return undefined;
  }
  return { min, max, log: log === true, int };
}

/** {@link axis}, or a range (`{ min, max, log? }`) of the same values; `int` for integer fields. */
export function axisOrRange(item: z.ZodType<number>, o: { int: boolean }): z.ZodType<NumericAxis> {
  const list = axis(item);
  return z.unknown().transform((input, ctx): NumericAxis => {
    if (isRangeInput(input)) return numericRange(input, ctx, item, o) ?? z.NEVER;
    const parsed = list.safeParse(input);
    if (parsed.success) return parsed.data;
    reportAll(ctx, parsed.error.issues);
    return z.NEVER;
  });
}

// ---- issues -------------------------------------------------------------------------------------------

/** Zod issues as SpecIssues: one per unknown key, paths as `a.b[2].c`, duplicates dropped. */
export function toSpecIssues(issues: readonly z.core.$ZodIssue[]): SpecIssue[] {
  const out: SpecIssue[] = [];
  const seen = new Set<string>();
  const push = (path: string, message: string): void => {
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, message });
  };
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const { path, message } of splitUnknownKeys(iss)) push(formatPath(path), message);
    } else {
      push(formatPath(iss.path), iss.message);
    }
  }
  return out;
}

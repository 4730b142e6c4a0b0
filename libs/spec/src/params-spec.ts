/**
 * The `params` section: free-form extra axes for any backend (`lr: [0.1, 0.01]`, `width: 64`), and,
 * for searches that sample, ranges (`lr: { min: 1e-4, max: 1e-1, log: true }`, `width: { min: 8,
 * max: 64, int: true }`) or distributions (`lr: { loguniform: [1e-4, 1e-1] }`).
 */
import { z } from 'zod';
import { z as zod } from 'zod';
import { closest, got, isMapping, isRangeInput, numericRange, report, type Ctx } from './schema-kit.js';
import type { ParamAxis, ParamDistribution, ParamValue } from './spec-types.js';

/** Param names: also the first segment of a `{placeholder}`, so identifier-like. */
export const PARAM_NAME = /^[A-Za-z_][\w-]*$/;

/** Names a param may not take: they are trial params already, or trainer-supplied placeholders. */
export const RESERVED_PARAM_NAMES: ReadonlyMap<string, string> = new Map([
  ['seed', 'the trial seed is params.seed; list replicate seeds under seeds:'],
  ['trial_id', 'supplied by the trainer'],
  ['sweep_id', 'supplied by the trainer'],
  ['attempt', 'supplied by the trainer'],
  ['params_file', 'supplied by the trainer'],
  ['adapter', 'the adapter section is params.adapter'],
  ['prune', 'the prune section is params.prune'],
  ['optimizer', 'the optimizer section is params.optimizer'],
  ['model', 'the model section is params.model'],
  ['task', 'the task section is params.task'],
]);

const DISTRIBUTIONS = ['uniform', 'loguniform', 'int', 'choice'] as const;
const DIST_HINT = 'use a range { min, max, log?, int? }, or { uniform: [a, b] }, { loguniform: [a, b] }, { int: [a, b] } or { choice: [...] }';

/** A range bound of a param: any finite number. */
const finite = zod.number({ error: (iss) => `must be a number${got(iss.input)}` }).refine(Number.isFinite, { error: 'must be a finite number' });

/** True when a normalized param axis is a distribution rather than a list of values. */
export function isDistribution(axis: ParamAxis): axis is ParamDistribution {
  return !Array.isArray(axis);
}

function isParamValue(v: unknown): v is ParamValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

const SCALAR_HINT = 'a string, number or boolean';

/** The `params` mapping: name → scalar | list of scalars | distribution. */
export const ParamsSchema: z.ZodType<Record<string, ParamAxis>> = z.unknown().transform((input, ctx) => {
  if (!isMapping(input)) {
    report(ctx, `must be a mapping of param names to values${got(input)}`, [], input);
    return z.NEVER;
  }
  const out: Record<string, ParamAxis> = {};
  let ok = true;
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!PARAM_NAME.test(name)) {
      report(ctx, 'invalid param name: use letters, digits, _ and -, starting with a letter or _', [name]);
      ok = false;
      continue;
    }
    const reserved = RESERVED_PARAM_NAMES.get(name);
    if (reserved !== undefined) {
      report(ctx, `"${name}" is a reserved name (${reserved})`, [name]);
      ok = false;
      continue;
    }
    const axis = paramAxis(value, ctx, [name]);
    if (axis === undefined) ok = false;
    else out[name] = axis;
  }
  return ok ? out : z.NEVER;
});

function paramAxis(value: unknown, ctx: Ctx, path: PropertyKey[]): ParamAxis | undefined {
  if (isParamValue(value)) return [value];
  if (Array.isArray(value)) {
    if (value.length === 0) {
      report(ctx, 'must not be an empty list (give at least one value)', path, value);
      return undefined;
    }
    let ok = true;
    value.forEach((v, i) => {
      if (!isParamValue(v)) {
        report(ctx, `must be ${SCALAR_HINT}${got(v)}; nested lists are not sweep axes`, [...path, i], v);
        ok = false;
      }
    });
    return ok ? (value as ParamValue[]) : undefined;
  }
  if (isRangeInput(value)) return numericRangeAt(value, ctx, path);
  if (isMapping(value)) return distribution(value, ctx, path);
  report(ctx, `must be ${SCALAR_HINT}, a list of them, or a distribution${got(value)}`, path, value);
  return undefined;
}

/** A param's range: whole numbers only when it says `int: true`. */
function numericRangeAt(value: Record<string, unknown>, ctx: Ctx, path: PropertyKey[]): ParamDistribution | undefined {
  return numericRange(value, ctx, finite, { int: false, intKey: true, path });
}

function distribution(value: Record<string, unknown>, ctx: Ctx, path: PropertyKey[]): ParamDistribution | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(DISTRIBUTIONS as readonly string[]).includes(keys[0])) {
    const unknown = keys.find((k) => !(DISTRIBUTIONS as readonly string[]).includes(k));
    const near = unknown === undefined ? undefined : closest(unknown, DISTRIBUTIONS);
    const why = keys.length === 0 ? 'an empty mapping is not a distribution' : keys.length > 1 && unknown === undefined ? 'give exactly one distribution' : `unknown distribution ${JSON.stringify(unknown)}${near ? ` (did you mean "${near}"?)` : ''}`;
    report(ctx, `${why}; ${DIST_HINT}`, keys.length > 1 || unknown === undefined ? path : [...path, unknown]);
    return undefined;
  }
  const kind = keys[0] as (typeof DISTRIBUTIONS)[number];
  const arg = value[kind];
  const at = [...path, kind];
  if (kind === 'choice') {
    const axis = Array.isArray(arg) ? paramAxis(arg, ctx, at) : undefined;
    if (!Array.isArray(arg)) report(ctx, `must be a non-empty list of values${got(arg)}`, at, arg);
    return axis === undefined ? undefined : { choice: axis as ParamValue[] };
  }
  if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    report(ctx, `must be a pair of numbers [low, high]${got(arg)}`, at, arg);
    return undefined;
  }
  const [a, b] = arg as [number, number];
  if (kind === 'int') {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a > b) {
      report(ctx, `must be integers [low, high] with low ≤ high (got [${a}, ${b}])`, at, arg);
      return undefined;
    }
    return { int: [a, b] };
  }
  if (!(a < b)) {
    report(ctx, `must have low < high (got [${a}, ${b}])`, at, arg);
    return undefined;
  }
  if (kind === 'loguniform') {
    if (!(a > 0)) {
      report(ctx, `must have 0 < low for a log-uniform distribution (got [${a}, ${b}])`, at, arg);
      return undefined;
    }
    return { loguniform: [a, b] };
  }
  return { uniform: [a, b] };
}

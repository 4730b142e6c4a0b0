/**
 * Extending a sweep (`POST /sweeps/:id/extend`, `tinysweep extend`): more seeds, or more values of an
 * axis, as new trials of the same sweep — the trials it has keep their ids, ordinals and results.
 * Pure: the stored spec and the sweep's config hashes in, the extended spec and the new trials out.
 *
 *   extendSpec(spec, { seeds: [3, 4] })                    // seeds [1, 2] → [1, 2, 3, 4]
 *   extendSpec(spec, { set: { 'adapter.rank': [4] } })      // rank [1, 2] (or 2) → [1, 2, 4]
 */
import { createSearch } from '@tinysweep/search';
import { MAX_SEED, MAX_TRIALS_CEILING, parseSweepSpec, SpecError, type SweepSpec, type TrialPlan } from '@tinysweep/spec';

/** What to add: seeds, and/or values joining an axis (a dotted spec path, e.g. `adapter.rank`, `params.lr`). */
export interface SweepExtension {
  seeds?: number[];
  set?: Record<string, unknown>;
}

/** Paths whose values are not axes: changing them would change what the old trials mean. */
const FIXED = /^(name|backend|model|objective|search|budget|reuse|resources)(\.|$)/;

/**
 * The request as a SweepExtension; throws a SpecError naming the field. `set` values may be one
 * value or a list of values.
 */
export function parseExtension(body: unknown): SweepExtension {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw SpecError.at('(body)', 'must be an object with seeds and/or set');
  const { seeds, set, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw SpecError.at(unknown, 'unknown field (extend takes seeds and set)');
  const out: SweepExtension = {};
  if (seeds !== undefined) {
    if (!Array.isArray(seeds) || seeds.length === 0) throw SpecError.at('seeds', 'must be a non-empty list of integers');
    seeds.forEach((s, i) => {
      if (!Number.isInteger(s) || (s as number) < 0 || (s as number) > MAX_SEED) throw SpecError.at(`seeds[${i}]`, `must be an integer in [0, ${MAX_SEED}] (got ${JSON.stringify(s)})`);
    });
    out.seeds = seeds as number[];
  }
  if (set !== undefined) {
    if (set === null || typeof set !== 'object' || Array.isArray(set) || Object.keys(set).length === 0) throw SpecError.at('set', 'must be an object of { "<path>": value or [values] }');
    for (const path of Object.keys(set)) {
      if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(path)) throw SpecError.at(`set.${path}`, 'must be a dotted path into the spec, e.g. adapter.rank');
      if (FIXED.test(path)) throw SpecError.at(`set.${path}`, 'is not an axis: extend adds seeds and axis values; submit a new sweep to change it');
    }
    out.set = set as Record<string, unknown>;
  }
  if (!out.seeds && !out.set) throw SpecError.at('(body)', 'nothing to add: give seeds and/or set');
  return out;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `values` joined to the axis at `path` of `spec` (a scalar becomes a list); a copy. */
function joinAxis(spec: Record<string, unknown>, path: string, values: unknown[]): Record<string, unknown> {
  const keys = path.split('.');
  const root = structuredClone(spec);
  let node: Record<string, unknown> = root;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) throw SpecError.at(`set.${path}`, `the sweep has no ${keys.slice(0, keys.indexOf(k) + 1).join('.')} section to add to`);
    node = next as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  const old = node[last];
  if (old === undefined) throw SpecError.at(`set.${path}`, 'the sweep does not set it: extend adds values to an axis it has');
  // A list-valued setting (modules: [q, v]) is one value of its axis only when the axis is a list of lists.
  const axis = Array.isArray(old) ? old : [old];
  node[last] = [...axis, ...values.filter((v) => !axis.some((a) => sameValue(a, v)))];
  return root;
}

/**
 * The spec with the extension applied and validated as a submitted one (SpecError naming the field),
 * its budget raised to hold the new trials.
 */
export function extendSpec(spec: SweepSpec, ext: SweepExtension): SweepSpec {
  if (spec.search.kind === 'asha' || spec.search.kind === 'pareto') {
    throw SpecError.at('search.kind', `a ${spec.search.kind} search decides its own trials: extend works on grid and random sweeps`);
  }
  if (ext.set && spec.search.kind === 'random') throw SpecError.at('set', 'a random search samples its configs from the space: extend it with seeds, or submit a new sweep');
  let next = structuredClone(spec) as unknown as Record<string, unknown>;
  if (ext.seeds) next.seeds = [...spec.seeds, ...ext.seeds.filter((s) => !spec.seeds.includes(s))];
  for (const [path, value] of Object.entries(ext.set ?? {})) next = joinAxis(next, path, Array.isArray(value) ? value : [value]);
  // Raised to what the extended space expands to; the server's own cap still applies when the caller parses.
  next.budget = { ...(next.budget as object), maxTrials: MAX_TRIALS_CEILING };
  const loose = parseSweepSpec(next);
  const total = createSearch(loose).plan().trials.length;
  return parseSweepSpec({ ...next, budget: { ...(next.budget as object), maxTrials: Math.max(spec.budget.maxTrials, total) } });
}

/** The plan's trials that the sweep does not have yet (by config hash), in plan order. */
export function newTrials(spec: SweepSpec, existing: ReadonlySet<string>): TrialPlan[] {
  return createSearch(spec).plan().trials.filter((t) => !existing.has(t.configHash));
}

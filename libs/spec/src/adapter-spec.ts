/**
 * The `adapter` section: module sets, layer selectors and tying, each parsed from the forms users
 * write into one canonical form, so that configurations that mean the same thing hash the same.
 */
import { z } from 'zod';
import { ADAPTER_METHOD_FIELDS, DEFAULT_ADAPTER_METHOD, METHOD_SPECIFIC_FIELDS, methodReads, methodsUsing, type MethodFieldKind } from './adapter-methods.js';
import { axis, axisOrRange, got, isMapping, positiveInt, positiveNumber, report, reportAll, strictObject, type Ctx } from './schema-kit.js';
import { MODULE_NAMES, type AdapterAxes, type LayerSelector, type ModuleName, type TieSpec } from './spec-types.js';

/** Highest block index a layer selector may name (no real decoder has anywhere near this many). */
export const MAX_LAYER_INDEX = 4095;

const MODULE_ORDER: ReadonlyMap<string, number> = new Map(MODULE_NAMES.map((m, i) => [m, i]));

/** Hugging Face projection names, accepted for convenience. */
const MODULE_ALIASES: Readonly<Record<string, ModuleName>> = {
  q_proj: 'q',
  k_proj: 'k',
  v_proj: 'v',
  o_proj: 'o',
  gate_proj: 'gate',
  up_proj: 'up',
  down_proj: 'down',
};

// ---- modules ---------------------------------------------------------------------------------------

/**
 * `modules`: one set (`all`, `q`, `[q, v]`) or a list of sets (`[[q, v], all]`; in such a list a bare
 * string is a set of one). Each set is deduplicated and put in canonical order.
 */
const modulesAxis: z.ZodType<ModuleName[][]> = z.unknown().transform((input, ctx) => {
  if (typeof input === 'string') return wrap(moduleSet([input], ctx, [], false));
  if (!Array.isArray(input)) {
    report(ctx, `must be a module set (e.g. [q, v] or all) or a list of sets${got(input)}`, [], input);
    return z.NEVER;
  }
  if (input.length === 0) {
    report(ctx, 'must not be an empty list (give at least one module)', [], input);
    return z.NEVER;
  }
  // A flat list of names is ONE set; a list with any nested list is a list of sets.
  if (input.every((v) => typeof v === 'string')) return wrap(moduleSet(input, ctx, [], true));
  const sets: ModuleName[][] = [];
  let ok = true;
  input.forEach((item, i) => {
    const set = typeof item === 'string' ? moduleSet([item], ctx, [i], false) : Array.isArray(item) ? moduleSet(item, ctx, [i], true) : undefined;
    if (set === undefined) {
      if (typeof item !== 'string' && !Array.isArray(item)) report(ctx, `must be a module set (a list of module names, or all)${got(item)}`, [i], item);
      ok = false;
    } else sets.push(set);
  });
  return ok ? sets : z.NEVER;
});

function wrap(set: ModuleName[] | undefined): ModuleName[][] {
  return set === undefined ? z.NEVER : [set];
}

/** One module set from names (`all` = all seven); issues at `path[i]` when `indexed`. */
function moduleSet(names: readonly unknown[], ctx: Ctx, path: PropertyKey[], indexed: boolean): ModuleName[] | undefined {
  if (names.length === 0) {
    report(ctx, 'must not be an empty module set', path);
    return undefined;
  }
  const chosen = new Set<ModuleName>();
  let ok = true;
  names.forEach((name, i) => {
    const where = indexed ? [...path, i] : path;
    if (typeof name !== 'string') {
      report(ctx, `must be a module name${got(name)}`, where, name);
      ok = false;
      return;
    }
    const n = name.trim();
    if (n === 'all') {
      for (const m of MODULE_NAMES) chosen.add(m);
    } else if (MODULE_ORDER.has(n)) {
      chosen.add(n as ModuleName);
    } else if (Object.hasOwn(MODULE_ALIASES, n)) {
      chosen.add(MODULE_ALIASES[n]);
    } else {
      report(ctx, `unknown module ${JSON.stringify(name)}; use ${MODULE_NAMES.join(', ')} or all`, where, name);
      ok = false;
    }
  });
  if (!ok) return undefined;
  return [...chosen].sort((a, b) => (MODULE_ORDER.get(a) ?? 0) - (MODULE_ORDER.get(b) ?? 0));
}

// ---- layers ----------------------------------------------------------------------------------------

const NAMED_SELECTOR = /^(first|last|every):(\d+)$/;
const RANGE_SELECTOR = /^(\d+)-(\d+)$/;
const INDEX_SELECTOR = /^\d+$/;
const LAYER_HINT = "use all, first:k, last:k, every:k, a range 'a-b', or a list of block indices";

/**
 * `layers`: one selector or a list of them. A flat list of integers is ONE explicit selection
 * (`[0, 5, 7]`); to sweep explicit selections nest them (`[[0, 5], [7]]`). In a list, a bare integer
 * is a selection of one block.
 */
const layersAxis: z.ZodType<LayerSelector[]> = z.unknown().transform((input, ctx) => {
  if (!Array.isArray(input)) {
    const one = layerSelector(input, ctx, []);
    return one === undefined ? z.NEVER : [one];
  }
  if (input.length === 0) {
    report(ctx, `must not be an empty list; ${LAYER_HINT}`, [], input);
    return z.NEVER;
  }
  if (input.every((v) => typeof v === 'number')) {
    const one = layerList(input, ctx, []);
    return one === undefined ? z.NEVER : [one];
  }
  const out: LayerSelector[] = [];
  let ok = true;
  input.forEach((item, i) => {
    const sel = layerSelector(item, ctx, [i]);
    if (sel === undefined) ok = false;
    else out.push(sel);
  });
  return ok ? out : z.NEVER;
});

function layerSelector(input: unknown, ctx: Ctx, path: PropertyKey[]): LayerSelector | undefined {
  if (typeof input === 'number') return layerList([input], ctx, path, false);
  if (Array.isArray(input)) return layerList(input, ctx, path);
  if (typeof input !== 'string') {
    report(ctx, `must be a layer selector${got(input)}; ${LAYER_HINT}`, path, input);
    return undefined;
  }
  const s = input.trim();
  if (s === 'all') return 'all';
  const named = NAMED_SELECTOR.exec(s);
  if (named) {
    const k = Number(named[2]);
    if (k < 1 || k > MAX_LAYER_INDEX + 1) {
      report(ctx, `invalid layer selector ${JSON.stringify(input)}: k must be between 1 and ${MAX_LAYER_INDEX + 1}`, path, input);
      return undefined;
    }
    if (named[1] === 'every' && k === 1) return 'all';
    return `${named[1] as 'first' | 'last' | 'every'}:${k}`;
  }
  const range = RANGE_SELECTOR.exec(s);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (a > b) {
      report(ctx, `invalid layer range ${JSON.stringify(input)}: start must not exceed end`, path, input);
      return undefined;
    }
    if (b > MAX_LAYER_INDEX) {
      report(ctx, `invalid layer range ${JSON.stringify(input)}: block indices go up to ${MAX_LAYER_INDEX}`, path, input);
      return undefined;
    }
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (INDEX_SELECTOR.test(s)) return layerList([Number(s)], ctx, path, false);
  report(ctx, `invalid layer selector ${JSON.stringify(input)}; ${LAYER_HINT}`, path, input);
  return undefined;
}

/** An explicit list of block indices: sorted, deduplicated. */
function layerList(items: readonly unknown[], ctx: Ctx, path: PropertyKey[], indexed = true): number[] | undefined {
  if (items.length === 0) {
    report(ctx, 'must not be an empty list of block indices', path);
    return undefined;
  }
  let ok = true;
  items.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_LAYER_INDEX) {
      report(ctx, `must be a block index, an integer from 0 to ${MAX_LAYER_INDEX}${got(v)}`, indexed ? [...path, i] : path, v);
      ok = false;
    }
  });
  if (!ok) return undefined;
  return [...new Set(items as number[])].sort((a, b) => a - b);
}

// ---- tie -------------------------------------------------------------------------------------------

const TIE_MODES = ['none', 'tiled', 'structured', 'full'] as const;
const TIE_STRING = /^(tiled|structured):(\d+)$/;
const TIE_HINT = "use none, full, tiled:n, structured:n, or { mode, n }";

const tieObject = strictObject({
  mode: z.string({ error: (iss) => (iss.input === undefined ? `required: ${TIE_MODES.join(', ')}` : `must be one of ${TIE_MODES.join(', ')}${got(iss.input)}`) }),
  n: positiveInt().optional(),
});

/** One tying: a string (`none`, `full`, `tiled:16`, `structured:4`) or `{ mode, n }`, normalized. */
const tieValue: z.ZodType<TieSpec> = z.unknown().transform((input, ctx) => {
  let mode: string;
  let n: number | undefined;
  if (typeof input === 'string') {
    const s = input.trim();
    const m = TIE_STRING.exec(s);
    if (m) {
      mode = m[1];
      n = Number(m[2]);
      if (n < 1) {
        report(ctx, `invalid tie ${JSON.stringify(input)}: n must be a positive integer`, [], input);
        return z.NEVER;
      }
    } else if (s === 'none' || s === 'full') mode = s;
    else {
      report(ctx, `invalid tie ${JSON.stringify(input)}; ${TIE_HINT}`, [], input);
      return z.NEVER;
    }
  } else if (isMapping(input)) {
    const parsed = tieObject.safeParse(input);
    if (!parsed.success) {
      reportAll(ctx, parsed.error.issues);
      return z.NEVER;
    }
    mode = parsed.data.mode;
    n = parsed.data.n;
    if (!(TIE_MODES as readonly string[]).includes(mode)) {
      report(ctx, `must be one of ${TIE_MODES.join(', ')}${got(mode)}`, ['mode'], mode);
      return z.NEVER;
    }
    if ((mode === 'tiled' || mode === 'structured') && n === undefined) {
      report(ctx, `required for mode ${mode}: modules per group (a positive integer)`, ['n']);
      return z.NEVER;
    }
  } else {
    report(ctx, `must be a tying${got(input)}; ${TIE_HINT}`, [], input);
    return z.NEVER;
  }
  if (mode === 'none' || mode === 'full') return { mode };
  // Groups of one module each are no tying at all.
  if (n === 1) return { mode: 'none' };
  return { mode: mode as 'tiled' | 'structured', n: n as number };
});

// ---- section ---------------------------------------------------------------------------------------

const METHOD_NAMES = Object.keys(ADAPTER_METHOD_FIELDS);

/** One adapter method's name. */
const methodValue: z.ZodType<string> = z.unknown().transform((input, ctx) => {
  if (typeof input === 'string' && METHOD_NAMES.includes(input.trim())) return input.trim();
  report(ctx, `must be one of ${METHOD_NAMES.join(', ')}${got(input)}`, [], input);
  return z.NEVER;
});

/** A method field's parser, by its kind (see adapter-methods.ts). */
const FIELD_PARSERS: Readonly<Record<MethodFieldKind, z.ZodType>> = {
  'positive-int': axisOrRange(positiveInt(), { int: true }),
  'positive-number': axisOrRange(positiveNumber(), { int: false }),
  tie: axis(tieValue),
};

/**
 * The `adapter` section. Every field is optional with the paper's setup as default. A method's own
 * fields (`u`, `tie`: tinylora; `alpha`: lora) are refused, naming the field, when no method of the
 * spec reads them, and defaulted only when one does.
 */
export const AdapterSchema: z.ZodType<AdapterAxes> = strictObject({
  modules: modulesAxis.optional().transform((v) => v ?? [[...MODULE_NAMES]]),
  layers: layersAxis.optional().transform((v): LayerSelector[] => v ?? ['all']),
  rank: axisOrRange(positiveInt(), { int: true }).optional().transform((v) => v ?? [2]),
  ...Object.fromEntries([...METHOD_SPECIFIC_FIELDS].map(([name, f]) => [name, FIELD_PARSERS[f.kind].optional()])),
  method: axis(methodValue).optional(),
}).transform((raw, ctx): AdapterAxes => {
  const a = raw as Record<string, unknown> & { method?: string[]; modules: ModuleName[][]; layers: LayerSelector[]; rank: AdapterAxes['rank'] };
  const methods = a.method ?? [DEFAULT_ADAPTER_METHOD];
  const out: AdapterAxes = { modules: a.modules, layers: a.layers, rank: a.rank };
  if (a.method !== undefined) out.method = [...new Set(a.method)];
  for (const [name, f] of METHOD_SPECIFIC_FIELDS) {
    const read = methods.some((m) => methodReads(m, name));
    if (a[name] !== undefined && !read) report(ctx, `applies only to adapter.method ${methodsUsing(name).join(' or ')} (this spec's: ${methods.join(', ')})`, [name]);
    const value = a[name] ?? (f.default === undefined ? undefined : [f.default]);
    if (read && value !== undefined) out[name] = value;
  }
  return out;
});

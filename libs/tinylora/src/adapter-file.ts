/**
 * The adapter file: the trained numbers plus everything needed to rebuild the adapter from the base
 * model (which blocks and modules, rank, u, tying, the projection seed, the SVD's seed and steps).
 * Nothing large is stored: U, Σ, V come back from the base weights by {@link truncatedSvd}, P from
 * {@link projectionTensor}; so a 13-parameter adapter is one short line of JSON.
 *
 * The file is JSON on one line, keys in a fixed order, v last:
 *
 *   {"format":"tinysweep.tinylora/1","baseModel":{"hash":"…"},"structure":{"layers":"0-27",
 *    "modules":["q","k","v","o","gate","up","down"],"rank":2,"u":1,"tie":{"mode":"tiled","n":16},
 *    "projectionSeed":0,"svd":{"seed":0,"iterations":4}},"groups":13,"trainableParams":13,
 *    "effectiveParams":13,"v":[0.0123,-0.5,…]}
 *
 * Two spellings differ from the in-memory {@link AdapterFile}: `structure.layers` is written as ranges
 * (`"0-27"`, `"0-3,8,10-12"`; a plain array of indices is read too), and v's numbers are float32,
 * each written with the fewest digits that read back exactly. Format version 1 also fixes what the
 * file does not record: the SVD's oversampling ({@link SVD_DEFAULTS}.oversample) and the projection
 * seeds `projectionSeed + t` for target t in depth order.
 */
import { AdapterFileError } from './errors/adapter-file-error.js';
import { formatFloat32 } from './float32-format.js';
import { formatLayerRanges, parseLayerRanges } from './layer-ranges.js';
import { MAX_LAYER_INDEX, MODULE_ORDER, adapterTargets, canonicalModules, isModuleName, type ModuleName } from './layer-selection.js';
import { seed32 } from './prng.js';
import { MAX_SVD_ITERATIONS } from './svd.js';
import { tieGroups, trainableParamCount, type TieSpec } from './tying.js';

/** The format tag of this version of the file. */
export const ADAPTER_FORMAT = 'tinysweep.tinylora/1';

/** Everything that fixes an adapter's shape and frozen tensors, given the base model. */
export interface AdapterStructure {
  /** Adapted blocks: sorted, unique block indices (a resolved {@link LayerSelector}). */
  layers: number[];
  /** Adapted modules, in {@link MODULE_ORDER}. */
  modules: ModuleName[];
  /** SVD rank r. */
  rank: number;
  /** Trainable size of each group's v. */
  u: number;
  /** Weight tying. */
  tie: TieSpec;
  /** Base seed of the projections: target t uses `projectionSeed + t` ({@link targetSeed}). */
  projectionSeed: number;
  /** How the factors were computed ({@link truncatedSvd}'s `seed` and `iterations`). */
  svd: { seed: number; iterations: number };
}

/** A trained (or pruned) adapter, as written by {@link serializeAdapter}. */
export interface AdapterFile {
  format: 'tinysweep.tinylora/1';
  /** The base model the factors come from: a content hash (and a name for people). */
  baseModel: { hash: string; name?: string };
  structure: AdapterStructure;
  /** Tie groups: `tieGroups(adapterTargets(layers, modules), tie).length`. */
  groups: number;
  /** The trained numbers, groups × u, row-major [group][i], float32 values. */
  v: number[];
  /** groups × u. */
  trainableParams: number;
  /** Non-zero entries of v (fewer than trainableParams after pruning). */
  effectiveParams: number;
  /** Present when v was pruned: the threshold, relative to max |v|. */
  prune?: { threshold: number };
}

/** Tie groups of a structure: what `groups` must equal. */
export function structureGroupCount(s: AdapterStructure): number {
  return tieGroups(adapterTargets(s.layers, s.modules), s.tie).length;
}

/**
 * An {@link AdapterFile} for trained numbers `v` (groups × u, rounded to float32 here): fills in
 * `format`, `groups`, `trainableParams` and `effectiveParams`, and checks the result.
 */
export function buildAdapterFile(args: { baseModel: { hash: string; name?: string }; structure: AdapterStructure; v: ArrayLike<number>; prune?: { threshold: number } }): AdapterFile {
  const structure = checkStructure(args.structure, 'structure');
  const groups = structureGroupCount(structure);
  const v = Array.from(args.v, (x) => Math.fround(x));
  const file: AdapterFile = {
    format: ADAPTER_FORMAT,
    baseModel: args.baseModel.name === undefined ? { hash: args.baseModel.hash } : { hash: args.baseModel.hash, name: args.baseModel.name },
    structure,
    groups,
    v,
    trainableParams: trainableParamCount(groups, structure.u),
    effectiveParams: v.filter((x) => x !== 0).length,
  };
  if (args.prune !== undefined) file.prune = { threshold: args.prune.threshold };
  return validateAdapter(file);
}

/**
 * The file text: compact JSON on one line (see the module comment). Checks the adapter first and
 * throws {@link AdapterFileError} naming the field, so a bad adapter is never written.
 */
export function serializeAdapter(a: AdapterFile): string {
  const f = validateAdapter(a);
  const s = f.structure;
  const baseModel = f.baseModel.name === undefined ? { hash: f.baseModel.hash } : { hash: f.baseModel.hash, name: f.baseModel.name };
  const structure =
    `{"layers":${JSON.stringify(formatLayerRanges(s.layers))},"modules":${JSON.stringify(s.modules)},` +
    `"rank":${s.rank},"u":${s.u},"tie":${JSON.stringify(tieJson(s.tie))},"projectionSeed":${s.projectionSeed},` +
    `"svd":{"seed":${s.svd.seed},"iterations":${s.svd.iterations}}}`;
  const parts = [
    `"format":${JSON.stringify(f.format)}`,
    `"baseModel":${JSON.stringify(baseModel)}`,
    `"structure":${structure}`,
    `"groups":${f.groups}`,
    `"trainableParams":${f.trainableParams}`,
    `"effectiveParams":${f.effectiveParams}`,
  ];
  if (f.prune !== undefined) parts.push(`"prune":{"threshold":${JSON.stringify(f.prune.threshold)}}`);
  parts.push(`"v":[${f.v.map(formatFloat32).join(',')}]`);
  return `{${parts.join(',')}}`;
}

/**
 * Reads an adapter file: JSON, then every check of {@link validateAdapter}. Throws
 * {@link AdapterFileError} naming the field (`field` `(file)` when the text is not JSON).
 */
export function parseAdapter(text: string): AdapterFile {
  if (typeof text !== 'string') throw new AdapterFileError('(file)', `must be text (got ${typeof text})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AdapterFileError('(file)', `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return validateAdapter(value);
}

/**
 * Checks any value as an adapter file and returns it normalised (a fresh object: layers sorted,
 * modules in {@link MODULE_ORDER}, layers given as ranges expanded, v as float32 values). Checks:
 * the format tag; every field's type and range; no unknown keys; `groups` equal to the structure's
 * tie-group count; `v.length === groups × u`; `trainableParams === groups × u`; `effectiveParams`
 * equal to v's non-zero count; `prune.threshold` in [0, 1). Throws {@link AdapterFileError}.
 */
export function validateAdapter(value: unknown): AdapterFile {
  const o = record(value, '(file)');
  onlyKeys(o, ['format', 'baseModel', 'structure', 'groups', 'v', 'trainableParams', 'effectiveParams', 'prune'], '');
  if (o.format !== ADAPTER_FORMAT) {
    const why = typeof o.format === 'string' && o.format.startsWith('tinysweep.tinylora/') ? 'unsupported version' : 'not a TinyLoRA adapter file';
    throw new AdapterFileError('format', `${why}: expected ${JSON.stringify(ADAPTER_FORMAT)} (got ${show(o.format)})`);
  }
  const bm = record(o.baseModel, 'baseModel');
  onlyKeys(bm, ['hash', 'name'], 'baseModel.');
  if (typeof bm.hash !== 'string' || bm.hash.length === 0) throw new AdapterFileError('baseModel.hash', `must be a non-empty string (got ${show(bm.hash)})`);
  if (bm.name !== undefined && typeof bm.name !== 'string') throw new AdapterFileError('baseModel.name', `must be a string when given (got ${show(bm.name)})`);
  const structure = checkStructure(o.structure, 'structure');

  const groups = structureGroupCount(structure);
  if (!Number.isInteger(o.groups) || (o.groups as number) < 1) throw new AdapterFileError('groups', `must be a positive integer (got ${show(o.groups)})`);
  if (o.groups !== groups) throw new AdapterFileError('groups', `is ${show(o.groups)} but the structure has ${groups} tie groups`);
  const expected = groups * structure.u;
  if (!Array.isArray(o.v)) throw new AdapterFileError('v', `must be an array of numbers (got ${show(o.v)})`);
  if (o.v.length !== expected) throw new AdapterFileError('v', `has ${o.v.length} numbers, expected groups × u = ${groups} × ${structure.u} = ${expected}`);
  const v = (o.v as unknown[]).map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || !Number.isFinite(Math.fround(x))) throw new AdapterFileError(`v[${i}]`, `must be a finite float32 number (got ${show(x)})`);
    return Math.fround(x);
  });
  if (o.trainableParams !== expected) throw new AdapterFileError('trainableParams', `is ${show(o.trainableParams)} but groups × u = ${expected}`);
  const nonZero = v.filter((x) => x !== 0).length;
  if (o.effectiveParams !== nonZero) throw new AdapterFileError('effectiveParams', `is ${show(o.effectiveParams)} but v has ${nonZero} non-zero entries`);

  const file: AdapterFile = {
    format: ADAPTER_FORMAT,
    baseModel: bm.name === undefined ? { hash: bm.hash } : { hash: bm.hash, name: bm.name as string },
    structure,
    groups,
    v,
    trainableParams: expected,
    effectiveParams: nonZero,
  };
  if (o.prune !== undefined) {
    const p = record(o.prune, 'prune');
    onlyKeys(p, ['threshold'], 'prune.');
    if (typeof p.threshold !== 'number' || !(p.threshold >= 0 && p.threshold < 1)) {
      throw new AdapterFileError('prune.threshold', `must be a number in [0, 1) (got ${show(p.threshold)})`);
    }
    file.prune = { threshold: p.threshold };
  }
  return file;
}

/**
 * Checks a structure and returns it normalised (a fresh object). `at` prefixes field names in errors.
 * Throws {@link AdapterFileError}.
 */
export function checkStructure(value: unknown, at = 'structure'): AdapterStructure {
  const s = record(value, at);
  onlyKeys(s, ['layers', 'modules', 'rank', 'u', 'tie', 'projectionSeed', 'svd'], `${at}.`);
  const layers = checkLayers(s.layers, `${at}.layers`);
  if (!Array.isArray(s.modules) || s.modules.length === 0) throw new AdapterFileError(`${at}.modules`, `must be a non-empty array of module names (got ${show(s.modules)})`);
  (s.modules as unknown[]).forEach((m, i) => {
    if (!isModuleName(m)) throw new AdapterFileError(`${at}.modules[${i}]`, `unknown module ${show(m)}; use ${MODULE_ORDER.join(', ')}`);
  });
  const modules = canonicalModules(s.modules as ModuleName[]);
  if (modules.length !== s.modules.length) throw new AdapterFileError(`${at}.modules`, `lists a module twice (${show(s.modules)})`);
  const rank = positiveInt(s.rank, `${at}.rank`);
  const u = positiveInt(s.u, `${at}.u`);
  const tie = checkTie(s.tie, `${at}.tie`);
  const projectionSeed = seedValue(s.projectionSeed, `${at}.projectionSeed`);
  const svd = record(s.svd, `${at}.svd`);
  onlyKeys(svd, ['seed', 'iterations'], `${at}.svd.`);
  const seed = seedValue(svd.seed, `${at}.svd.seed`);
  if (!Number.isInteger(svd.iterations) || (svd.iterations as number) < 0 || (svd.iterations as number) > MAX_SVD_ITERATIONS) {
    throw new AdapterFileError(`${at}.svd.iterations`, `must be an integer from 0 to ${MAX_SVD_ITERATIONS} (got ${show(svd.iterations)})`);
  }
  return { layers, modules, rank, u, tie, projectionSeed, svd: { seed, iterations: svd.iterations as number } };
}

/**
 * A canonical text key of a structure, for caching what depends only on it (the adapted ONNX graph,
 * the SVD factors, the projections): trials that differ only in v share it; structures that mean the
 * same (layers or modules listed in another order, `tiled`/`structured` with n = 1 versus `none`,
 * seeds equal modulo 2³²) get the same key. It does not include the base model: key caches by
 * (base model hash, structureKey).
 *
 *   tinylora/1;layers=0-27;modules=q,k,v,o,gate,up,down;rank=2;u=1;tie=tiled:16;projectionSeed=0;svd=0:4
 */
export function structureKey(s: AdapterStructure): string {
  const c = checkStructure(s, 'structure');
  const tie = (c.tie.mode === 'tiled' || c.tie.mode === 'structured') && c.tie.n === 1 ? 'none' : c.tie.mode === 'tiled' || c.tie.mode === 'structured' ? `${c.tie.mode}:${c.tie.n}` : c.tie.mode;
  return [
    'tinylora/1',
    `layers=${formatLayerRanges(c.layers)}`,
    `modules=${c.modules.join(',')}`,
    `rank=${c.rank}`,
    `u=${c.u}`,
    `tie=${tie}`,
    `projectionSeed=${seed32(c.projectionSeed)}`,
    `svd=${seed32(c.svd.seed)}:${c.svd.iterations}`,
  ].join(';');
}

// ---- field checks ----------------------------------------------------------------------------------

function tieJson(t: TieSpec): TieSpec {
  return t.mode === 'tiled' || t.mode === 'structured' ? { mode: t.mode, n: t.n } : { mode: t.mode };
}

function checkLayers(value: unknown, field: string): number[] {
  if (typeof value === 'string') {
    const parsed = parseLayerRanges(value);
    if (typeof parsed === 'string') throw new AdapterFileError(field, parsed);
    return parsed;
  }
  if (!Array.isArray(value) || value.length === 0) throw new AdapterFileError(field, `must be a non-empty array of block indices or ranges like "0-27" (got ${show(value)})`);
  (value as unknown[]).forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > MAX_LAYER_INDEX) {
      throw new AdapterFileError(`${field}[${i}]`, `must be a block index, an integer from 0 to ${MAX_LAYER_INDEX} (got ${show(x)})`);
    }
  });
  const sorted = [...new Set(value as number[])].sort((a, b) => a - b);
  if (sorted.length !== value.length) throw new AdapterFileError(field, `lists a block twice (${show(value)})`);
  return sorted;
}

function checkTie(value: unknown, field: string): TieSpec {
  const t = record(value, field);
  if (t.mode === 'none' || t.mode === 'full') {
    onlyKeys(t, ['mode'], `${field}.`);
    return { mode: t.mode };
  }
  if (t.mode !== 'tiled' && t.mode !== 'structured') throw new AdapterFileError(`${field}.mode`, `must be one of none, full, tiled, structured (got ${show(t.mode)})`);
  onlyKeys(t, ['mode', 'n'], `${field}.`);
  return { mode: t.mode, n: positiveInt(t.n, `${field}.n`) };
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AdapterFileError(field, `must be an object (got ${show(value)})`);
  return value as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new AdapterFileError(`${prefix}${key}`, `unknown field (expected ${allowed.join(', ')})`);
  }
}

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new AdapterFileError(field, `must be a positive integer (got ${show(value)})`);
  return value;
}

function seedValue(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new AdapterFileError(field, `must be an integer (got ${show(value)})`);
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

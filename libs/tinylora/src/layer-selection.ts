/**
 * Where adapters go: which transformer blocks (layer selectors) and which linear modules, and the
 * depth order that tying and projection seeds are defined on.
 */

/** One linear module of a decoder block: attention q/k/v/o projections, MLP gate/up/down. */
export type ModuleName = 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down';

/** The order of modules within a block (Hugging Face's q_proj … down_proj, in forward order). */
export const MODULE_ORDER: readonly ModuleName[] = Object.freeze(['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const);

const MODULE_RANK: ReadonlyMap<string, number> = new Map(MODULE_ORDER.map((m, i) => [m, i]));

/** True when `name` is a {@link ModuleName}. */
export function isModuleName(name: unknown): name is ModuleName {
  return typeof name === 'string' && MODULE_RANK.has(name);
}

/** Position of a module in {@link MODULE_ORDER}. */
export function moduleIndex(m: ModuleName): number {
  const i = MODULE_RANK.get(m);
  if (i === undefined) throw new Error(`unknown module ${JSON.stringify(m)}; use ${MODULE_ORDER.join(', ')}`);
  return i;
}

/**
 * Which blocks get adapters, for a model of `nLayers` blocks (indices 0 … nLayers − 1):
 *
 * - `all` — every block;
 * - `first:k` — 0 … k−1;  `last:k` — nLayers−k … nLayers−1  (1 ≤ k ≤ nLayers);
 * - `every:k` — 0, k, 2k, …  (1 ≤ k ≤ nLayers);
 * - `a-b` — a … b inclusive (a ≤ b < nLayers);
 * - a list of block indices (any order, duplicates ignored; each < nLayers).
 */
export type LayerSelector = 'all' | `first:${number}` | `last:${number}` | `every:${number}` | `${number}-${number}` | number[];

const NAMED = /^(first|last|every):(\d+)$/;
const RANGE = /^(\d+)-(\d+)$/;
const SELECTOR_HINT = "use 'all', 'first:k', 'last:k', 'every:k', 'a-b' or a list of block indices";

/** Highest block index anything here accepts (as in @tinysweep/spec; no decoder comes close). */
export const MAX_LAYER_INDEX = 4095;

/** A selector's meaning, before it meets a model. */
type ParsedSelector =
  | { kind: 'all' }
  | { kind: 'first' | 'last' | 'every'; k: number }
  | { kind: 'range'; a: number; b: number }
  | { kind: 'list'; indices: number[] };

function selectorError(selector: unknown, why: string): Error {
  const name = Array.isArray(selector) ? JSON.stringify(selector) : JSON.stringify(String(selector));
  return new Error(`layer selector ${name}: ${why}`);
}

function parseSelector(selector: LayerSelector): ParsedSelector {
  if (Array.isArray(selector)) {
    if (selector.length === 0) throw selectorError(selector, 'must list at least one block');
    for (const i of selector as unknown[]) {
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > MAX_LAYER_INDEX) {
        throw selectorError(selector, `block indices must be integers from 0 to ${MAX_LAYER_INDEX} (got ${String(i)})`);
      }
    }
    return { kind: 'list', indices: [...new Set(selector)].sort((a, b) => a - b) };
  }
  if (typeof selector !== 'string') throw selectorError(selector, SELECTOR_HINT);
  if (selector === 'all') return { kind: 'all' };
  const named = NAMED.exec(selector);
  if (named) {
    const k = Number(named[2]);
    if (k < 1) throw selectorError(selector, `k must be at least 1 (got ${k})`);
    return { kind: named[1] as 'first' | 'last' | 'every', k };
  }
  const span = RANGE.exec(selector);
  if (span) {
    const a = Number(span[1]);
    const b = Number(span[2]);
    if (a > b) throw selectorError(selector, 'start must not exceed end');
    if (b > MAX_LAYER_INDEX) throw selectorError(selector, `block indices go up to ${MAX_LAYER_INDEX}`);
    return { kind: 'range', a, b };
  }
  throw selectorError(selector, SELECTOR_HINT);
}

/** Throws an Error naming the selector when it is malformed (what can be checked without a model). */
export function checkLayerSelector(selector: LayerSelector): void {
  parseSelector(selector);
}

/**
 * The blocks a selector picks on a model of `nLayers` blocks: sorted, unique, never empty.
 * Throws an Error naming the selector when it is malformed or reaches past the model
 * (`'last:40'` on 28 layers).
 */
export function selectLayers(selector: LayerSelector, nLayers: number): number[] {
  if (!Number.isInteger(nLayers) || nLayers < 1) throw new Error(`nLayers must be a positive integer (got ${String(nLayers)})`);
  const p = parseSelector(selector);
  const outOfRange = (block: number): Error =>
    selectorError(selector, `block ${block} is out of range for a model with ${nLayers} layers (0…${nLayers - 1})`);
  switch (p.kind) {
    case 'all':
      return range(0, nLayers - 1);
    case 'first':
    case 'last':
    case 'every': {
      if (p.k > nLayers) throw selectorError(selector, `k must be between 1 and ${nLayers}, the model's layer count (got ${p.k})`);
      if (p.kind === 'first') return range(0, p.k - 1);
      if (p.kind === 'last') return range(nLayers - p.k, nLayers - 1);
      const out: number[] = [];
      for (let i = 0; i < nLayers; i += p.k) out.push(i);
      return out;
    }
    case 'range':
      if (p.b >= nLayers) throw outOfRange(p.b);
      return range(p.a, p.b);
    case 'list': {
      const last = p.indices[p.indices.length - 1];
      if (last >= nLayers) throw outOfRange(last);
      return p.indices;
    }
  }
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** One adapted linear module: block `layer`, module `module`. */
export interface AdapterTarget {
  layer: number;
  module: ModuleName;
}

/**
 * Every (layer, module) pair in depth order: layer-major, then modules in {@link MODULE_ORDER}
 * (whatever order the arguments come in; duplicates ignored). Target t's index in this list is what
 * tying chunks over and what its projection seed adds ({@link targetSeed}).
 */
export function adapterTargets(layers: number[], modules: ModuleName[]): AdapterTarget[] {
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0) throw new Error(`layers: block indices must be non-negative integers (got ${String(l)})`);
  }
  for (const m of modules) {
    if (!isModuleName(m)) throw new Error(`modules: unknown module ${JSON.stringify(m)}; use ${MODULE_ORDER.join(', ')}`);
  }
  const ls = [...new Set(layers)].sort((a, b) => a - b);
  const ms = canonicalModules(modules);
  const out: AdapterTarget[] = [];
  for (const layer of ls) for (const module of ms) out.push({ layer, module });
  return out;
}

/** Modules deduplicated and put in {@link MODULE_ORDER}. */
export function canonicalModules(modules: readonly ModuleName[]): ModuleName[] {
  return [...new Set(modules)].sort((a, b) => moduleIndex(a) - moduleIndex(b));
}

/** Compares two targets in depth order (negative when `a` comes first). */
export function compareTargets(a: AdapterTarget, b: AdapterTarget): number {
  return a.layer - b.layer || moduleIndex(a.module) - moduleIndex(b.module);
}

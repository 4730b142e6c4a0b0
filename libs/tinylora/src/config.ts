/**
 * TinyLoRA's configuration (the "config" of PEFT's config / layer / model triad): what a user chooses,
 * with defaults and validation, before it meets a model. {@link resolveStructure} turns it into the
 * {@link AdapterStructure} an adapter file records, once the model's layer count is known.
 *
 * Method: Morris et al., "Learning to Reason in 13 Parameters" (arXiv 2602.04118), on LoRA-XS
 * (Bałazy et al., arXiv 2405.17604): W' = W + U Σ R Vᵀ, R = (1/√u) Σᵢ vᵢ Pᵢ, v the only trainable
 * tensor, shared by the modules of a tie group.
 *
 * @example
 *   const config = tinyLoraConfig({ rank: 2, u: 1, tie: { mode: 'tiled', n: 16 } });
 *   const structure = resolveStructure(config, 28);   // Qwen2.5-7B: 196 modules → 13 groups, 13 params
 */
import type { AdapterStructure } from './adapter-file.js';
import { MODULE_ORDER, canonicalModules, checkLayerSelector, isModuleName, selectLayers, type LayerSelector, type ModuleName } from './layer-selection.js';
import { MAX_SVD_ITERATIONS, SVD_DEFAULTS } from './svd.js';
import { checkTieSpec, type TieSpec } from './tying.js';

/** A complete TinyLoRA configuration. */
export interface TinyLoraConfig {
  /** Which blocks get adapters. @defaultValue `'all'` (as in the paper) */
  layers: LayerSelector;
  /** Which linear modules of each block. @defaultValue all seven, q k v o gate up down (as in the paper) */
  modules: ModuleName[];
  /** Truncated-SVD rank r. @defaultValue 2 (the paper's best) */
  rank: number;
  /** Trainable size of each tie group's v. @defaultValue 1 */
  u: number;
  /**
   * Weight tying. @defaultValue `{ mode: 'none' }`, as @tinysweep/spec; the paper's 13-parameter
   * result is `{ mode: 'tiled', n: 16 }` with u = 1.
   */
  tie: TieSpec;
  /** Base seed of the projections P (target t: `projectionSeed + t`). @defaultValue 0 */
  projectionSeed: number;
  /** The SVD's random start and power steps ({@link truncatedSvd}). @defaultValue `{ seed: 0, iterations: 4 }` */
  svd: { seed: number; iterations: number };
}

/** Options: any field of {@link TinyLoraConfig} (and of its `svd`) may be left out for its default. */
export type TinyLoraOptions = Partial<Omit<TinyLoraConfig, 'svd'>> & { svd?: Partial<TinyLoraConfig['svd']> };

const DEFAULTS: TinyLoraConfig = {
  layers: 'all',
  modules: [...MODULE_ORDER],
  rank: 2,
  u: 1,
  tie: { mode: 'none' },
  projectionSeed: 0,
  svd: { seed: SVD_DEFAULTS.seed, iterations: SVD_DEFAULTS.iterations },
};
Object.freeze(DEFAULTS.modules);
Object.freeze(DEFAULTS.tie);
Object.freeze(DEFAULTS.svd);
/** The defaults (see each field of {@link TinyLoraConfig}); frozen, nested objects included. */
export const TINYLORA_DEFAULTS: Readonly<TinyLoraConfig> = Object.freeze(DEFAULTS);

const KEYS: readonly string[] = ['layers', 'modules', 'rank', 'u', 'tie', 'projectionSeed', 'svd'];

/**
 * A full config from options: defaults applied once, then checked. Throws an Error naming the field
 * (`rank must be a positive integer (got 0)`, `tie.n must be …`, `unknown option "ranks"`).
 */
export function tinyLoraConfig(opts: TinyLoraOptions = {}): TinyLoraConfig {
  for (const key of Object.keys(opts)) {
    if (!KEYS.includes(key)) throw new Error(`unknown option ${JSON.stringify(key)} (expected one of ${KEYS.join(', ')})`);
  }
  const d = TINYLORA_DEFAULTS;
  const config: TinyLoraConfig = {
    layers: Array.isArray(opts.layers) ? [...opts.layers] : (opts.layers ?? d.layers),
    modules: [...(opts.modules ?? d.modules)],
    rank: opts.rank ?? d.rank,
    u: opts.u ?? d.u,
    tie: { ...(opts.tie ?? d.tie) },
    projectionSeed: opts.projectionSeed ?? d.projectionSeed,
    svd: { seed: opts.svd?.seed ?? d.svd.seed, iterations: opts.svd?.iterations ?? d.svd.iterations },
  };
  checkTinyLoraConfig(config);
  return config;
}

/** Throws an Error naming the first bad field of a config. */
export function checkTinyLoraConfig(c: TinyLoraConfig): void {
  checkLayerSelector(c.layers);
  if (!Array.isArray(c.modules) || c.modules.length === 0) throw new Error('modules must list at least one module');
  c.modules.forEach((m, i) => {
    if (!isModuleName(m)) throw new Error(`modules[${i}] must be one of ${MODULE_ORDER.join(', ')} (got ${JSON.stringify(m)})`);
  });
  if (canonicalModules(c.modules).length !== c.modules.length) throw new Error(`modules must not list a module twice (got ${c.modules.join(', ')})`);
  positiveInt(c.rank, 'rank');
  positiveInt(c.u, 'u');
  checkTieSpec(c.tie, 'tie');
  if (!Number.isSafeInteger(c.projectionSeed)) throw new Error(`projectionSeed must be an integer (got ${String(c.projectionSeed)})`);
  if (typeof c.svd !== 'object' || c.svd === null) throw new Error('svd must be an object { seed, iterations }');
  for (const key of Object.keys(c.svd)) if (key !== 'seed' && key !== 'iterations') throw new Error(`unknown option "svd.${key}" (expected svd.seed, svd.iterations)`);
  if (!Number.isSafeInteger(c.svd.seed)) throw new Error(`svd.seed must be an integer (got ${String(c.svd.seed)})`);
  if (!Number.isInteger(c.svd.iterations) || c.svd.iterations < 0 || c.svd.iterations > MAX_SVD_ITERATIONS) {
    throw new Error(`svd.iterations must be an integer from 0 to ${MAX_SVD_ITERATIONS} (got ${String(c.svd.iterations)})`);
  }
}

/**
 * The structure a config gives on a model of `nLayers` blocks: the layer selector resolved
 * ({@link selectLayers}; throws naming the selector when it does not fit), modules in canonical order.
 */
export function resolveStructure(config: TinyLoraConfig, nLayers: number): AdapterStructure {
  checkTinyLoraConfig(config);
  return {
    layers: selectLayers(config.layers, nLayers),
    modules: canonicalModules(config.modules),
    rank: config.rank,
    u: config.u,
    tie: { ...config.tie },
    projectionSeed: config.projectionSeed,
    svd: { seed: config.svd.seed, iterations: config.svd.iterations },
  };
}

function positiveInt(x: number, name: string): void {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new Error(`${name} must be a positive integer (got ${String(x)})`);
}

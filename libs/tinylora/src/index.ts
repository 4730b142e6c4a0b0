/**
 * @tinysweep/tinylora — TinyLoRA adapter math: SVD factors, projection tensors, layer/module
 * selection, weight tying, parameter counting, pruning, and the adapter file. Pure: no I/O, no
 * framework, no dependencies.
 *
 * Layout: config (config.ts) / factors (svd.ts, projection.ts, low-rank-branch.ts) / layout
 * (layer-selection.ts, tying.ts) / adapter file (adapter-file.ts) / prune (prune.ts).
 *
 * Left out on purpose: dense-kernels.ts (the SVD's inner loops) and float32-format.ts are internal;
 * prng.ts exports only `createRng` and `Rng` (for noise that must be reproducible from a seed).
 */
export * from './config.js';
export * from './layer-selection.js';
export * from './tying.js';
export * from './svd.js';
export * from './projection.js';
export * from './low-rank-branch.js';
export * from './prune.js';
export * from './adapter-file.js';
export * from './errors/adapter-file-error.js';
export { formatLayerRanges, parseLayerRanges } from './layer-ranges.js';
export { createRng, type Rng } from './prng.js';

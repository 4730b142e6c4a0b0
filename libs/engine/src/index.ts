/**
 * @tinysweep/engine — trains a TinyLoRA vector v with forward passes only: optimizers (antithetic ES,
 * SPSA, CMA-ES) with an ask/tell interface, tasks and rewards (GSM8K and ARC as lm-eval scores them,
 * generated arithmetic, regex), statistics for held-out accuracy and seed replicates, and the
 * objectives that batch a whole population into one model call through the Policy seam, the
 * training loop over any adapter method of @tinysweep/adapters (re-exported), and
 * generateSideBySide (base and adapted greedy completions in one batch: the board's Try it).
 *
 * Left out on purpose: defaults.ts, optimizers/optimizer-base.ts, optimizers/gradient-step.ts and
 * optimizers/test-functions.ts are internal, and so is train/trial-io.ts (the task and prompt layout
 * trainTinyLora and generateSideBySide share).
 */
export * from './random.js';
export * from './policy.js';
export * from './device.js';
export * from './optimizers/index.js';
export * from './tasks/index.js';
export * from './stats/index.js';
// The adapter methods live in @tinysweep/adapters; re-exported so an engine caller has one import.
export * from '@tinysweep/adapters';
export * from './train/index.js';
export { ENGINE_VERSION, hashCode } from './version.js';
export * from './export/adapter-export.js';

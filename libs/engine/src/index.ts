/**
 * @tinysweep/engine — trains a TinyLoRA vector v with forward passes only: optimizers (antithetic ES,
 * SPSA, CMA-ES) with an ask/tell interface, tasks and rewards (GSM8K and ARC as lm-eval scores them,
 * generated arithmetic, regex), statistics for held-out accuracy and seed replicates, and the
 * objectives that batch a whole population into one model call through the Policy seam, adapter
 * plans (SVD branches + projections for libs/model's graph), and the TinyLoRA training loop.
 *
 * Left out on purpose: defaults.ts, optimizers/optimizer-base.ts, optimizers/gradient-step.ts and
 * optimizers/test-functions.ts are internal.
 */
export * from './random.js';
export * from './policy.js';
export * from './optimizers/index.js';
export * from './tasks/index.js';
export * from './stats/index.js';
export * from './adapters/index.js';
export * from './train/index.js';

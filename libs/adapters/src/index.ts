/**
 * @tinysweep/adapters — the adapter methods, in the manner of PEFT's tuners: one folder per method
 * under methods/ (config.ts: the trial's adapter fields and spec fields; layer.ts: the graph branch;
 * model.ts: the plan — frozen tensors, the trainable vector's layout, parameter count, ΔW, export
 * factors), behind one AdapterMethod interface and one registry (methods/index.ts). libs/spec reads a
 * method's spec fields, the engine trains it, the trainer checks a trial's adapter, all through the
 * registry. Adding a method: a folder beside the others and one line in methods/index.ts.
 */
export * from './adapter-plan.js';
export * from './factor-cache.js';
export * from './adapter-method.js';
export * from './method-file.js';
export * from './registry.js';
export * from './session-adapter.js';
export { validateAdapterPlan, type AdapterPlan, type AdapterSite } from './methods/tinylora/plan.js';
export { tinyLoraGraph, TINYLORA_INPUT } from './methods/tinylora/layer.js';
export { loraFactors } from './methods/tinylora/index.js';
export type { TinyLoraAdapterConfig } from './methods/tinylora/index.js';
export type { LoraXsConfig } from './methods/lora-xs/config.js';
export type { LoraConfig } from './methods/lora/config.js';
// The zod pieces of a trial's fields, so the trial contract (libs/trial) words its errors as the methods do.
export { int as intField, positive as positiveField } from './methods/shared-fields.js';

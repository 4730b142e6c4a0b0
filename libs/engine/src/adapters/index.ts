export * from './adapter-plan.js';
export * from './factor-cache.js';
export * from './adapter-method.js';
export * from './method-file.js';
export * from './registry.js';
export type { TinyLoraAdapterConfig } from './methods/tinylora/index.js';
export type { LoraXsConfig } from './methods/lora-xs/config.js';
export type { LoraConfig } from './methods/lora/config.js';

/**
 * @tinysweep/model — model formats (HF safetensors + config.json + tokenizer.json; llama2.c .bin),
 * tokenizers, chat templates, the ONNX graph builder for Llama-family decoders (KV cache, per-row
 * adapter input through an AdapterGraph) and the ONNX Runtime session wrapper. See README.md for the contract.
 *
 * Left out on purpose: builder/graph-builder.ts (the builder's primitive layer, reached through
 * ModelBuilder subclasses), builder/onnx-model.ts and builder/rope.ts (internals of the builder),
 * weights/dtype.ts, and testing/ (its own entry: @tinysweep/model/testing).
 */
export * from './config/decoder-config.js';
export { decoderConfigFromHf } from './config/hf-config.js';
export * from './weights/weights.js';
export { SafetensorsWeights, readSafetensorsHeader, writeSafetensors, encodeSafetensors, type SafetensorsDtype, type SafetensorsTensor } from './weights/safetensors.js';
export type { LoadedModel } from './loaders/loaded-model.js';
export { loadModel, type LoadModelOptions } from './loaders/load-model.js';
export type { Tokenizer } from './tokenizer/tokenizer.js';
export { Llama2cTokenizer, llama2cPrintable } from './tokenizer/llama2c-tokenizer.js';
export { HfTokenizer, type HfTokenizerOptions } from './tokenizer/hf-tokenizer.js';
export { applyChatTemplate, type ChatMessage, type ChatTemplateOptions } from './tokenizer/chat-template.js';
export type { BuildOptions } from './builder/build-options.js';
export * from './builder/adapter-graph.js';
export { ARCHITECTURES, architectureFor, createBuilder, type ArchitectureEntry } from './builder/architectures.js';
export { ModelBuilder, BUILDER_VERSION, type BuilderModel } from './builder/model-builder.js';
export { LlamaBuilder } from './builder/llama-builder.js';
export { Qwen2Builder } from './builder/qwen2-builder.js';
export { MistralBuilder } from './builder/mistral-builder.js';
export { buildDecoderGraph, buildDecoderParts, saveDecoderGraph, DEFAULT_EXTERNAL_DATA_THRESHOLD } from './builder/build-graph.js';
export type { OnnxModelParts } from './builder/onnx-model.js';
export { DecoderSession, type ForwardInput, type ForwardOutput, type GreedyOptions } from './session/decoder-session.js';
export { DECODER_SESSION_DEFAULTS, type DecoderSessionOptions } from './session/decoder-session-options.js';
export type { KvCache } from './session/kv-cache.js';
export { leftPad, positionIdsFromMask, type Int64Batch, type Int64Matrix } from './session/batching.js';
export { defaultGraphCacheDir, graphCacheKey, ensureGraph, type CachedGraph } from './session/graph-cache.js';

import type { BuildOptions } from './build-options.js';
import { createBuilder } from './architectures.js';
import type { BuilderModel } from './model-builder.js';
import { encodeInline, saveOnnx, type OnnxModelParts } from './onnx-model.js';

export const DEFAULT_EXTERNAL_DATA_THRESHOLD = 1 << 30;

/** The decoder graph as parts (nodes + initializers), before serialization. */
export function buildDecoderParts(model: BuilderModel, opts: BuildOptions = {}): OnnxModelParts {
  return createBuilder(model, opts).makeModel();
}

/** The decoder graph as ONNX ModelProto bytes, weights inline (throws past protobuf's 2 GiB; use saveDecoderGraph). */
export function buildDecoderGraph(model: BuilderModel, opts: BuildOptions = {}): Uint8Array {
  return encodeInline(buildDecoderParts(model, opts));
}

/**
 * Builds and writes the graph to `path`; weights over `opts.externalDataThreshold` bytes go to `path.data`
 * (keep the two files together: the .onnx names the data file relative to itself).
 */
export function saveDecoderGraph(model: BuilderModel, path: string, opts: BuildOptions = {}): { path: string; externalData?: string } {
  const parts = buildDecoderParts(model, opts);
  return { path, ...saveOnnx(parts, path, opts.externalDataThreshold ?? DEFAULT_EXTERNAL_DATA_THRESHOLD) };
}

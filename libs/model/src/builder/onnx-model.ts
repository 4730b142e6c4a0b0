/**
 * The graph as plain parts (nodes, typed-array initializers, value infos) and its serialization:
 * inline (one ModelProto, < 2 GiB) or with the weights in an external-data file beside the .onnx.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

/** The TensorProto element types the builder uses. */
export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  INT64: onnx.TensorProto.DataType.INT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
} as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** A symbolic dim name ('batch_size') or a fixed size. */
export type Dim = number | string;

export interface Initializer {
  name: string;
  dataType: DataTypeId;
  dims: number[];
  data: Float32Array | BigInt64Array | Uint8Array;
}

export interface OnnxModelParts {
  graphName: string;
  opset: number;
  nodes: NodeProto[];
  initializers: Initializer[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  /** Stored as ModelProto.metadata_props (builder version, model hash, adapter key). */
  metadata: Record<string, string>;
}

/** onnx's own convention: tensors smaller than this stay inline even in external-data mode. */
const MIN_EXTERNAL_BYTES = 1024;
/** Offsets in the data file are aligned so ORT can map tensors directly. */
const EXTERNAL_ALIGNMENT = 4096;
/** Protobuf messages cannot exceed 2 GiB. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

export function valueInfo(name: string, dataType: DataTypeId, shape?: Dim[]): ValueInfoProto {
  const dim = shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: dataType, shape: dim ? { dim } : undefined } } };
}

export function initializerBytes(parts: OnnxModelParts): number {
  return parts.initializers.reduce((sum, init) => sum + init.data.byteLength, 0);
}

/** One ModelProto with every tensor inline. */
export function encodeInline(parts: OnnxModelParts): Uint8Array {
  const bytes = initializerBytes(parts);
  if (bytes > PROTOBUF_LIMIT - (64 << 20)) {
    throw new Error(`weights take ${bytes} bytes, over protobuf's 2 GiB limit: save with external data (saveDecoderGraph)`);
  }
  return onnx.ModelProto.encode(modelProto(parts, parts.initializers.map(inlineTensor))).finish();
}

/**
 * Writes `path` (the graph) and, when the weights exceed `externalDataThreshold` bytes, `path + '.data'`
 * holding every tensor of at least 1 KiB. ORT resolves the data file relative to the .onnx file.
 */
export function saveOnnx(parts: OnnxModelParts, path: string, externalDataThreshold: number): { externalData?: string } {
  if (initializerBytes(parts) <= externalDataThreshold) {
    writeAll(path, [encodeInline(parts)]);
    return {};
  }
  const dataPath = `${path}.data`;
  const location = basename(dataPath);
  const fd = openSync(dataPath, 'w');
  const tensors: TensorProto[] = [];
  try {
    let offset = 0;
    for (const init of parts.initializers) {
      if (init.data.byteLength < MIN_EXTERNAL_BYTES) {
        tensors.push(inlineTensor(init));
        continue;
      }
      offset = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
      writeFully(fd, bytesOf(init.data), offset);
      tensors.push({
        name: init.name,
        dataType: init.dataType,
        dims: init.dims,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: location },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(init.data.byteLength) },
        ],
      });
      offset += init.data.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  writeAll(path, [onnx.ModelProto.encode(modelProto(parts, tensors)).finish()]);
  return { externalData: dataPath };
}

function modelProto(parts: OnnxModelParts, initializer: TensorProto[]): onnxProto.onnx.IModelProto {
  return {
    irVersion: 8, // highest IR the bundled onnx-proto (onnx 1.10) knows; ORT accepts opset 18 with it
    opsetImport: [{ domain: '', version: parts.opset }],
    producerName: 'tinysweep',
    metadataProps: Object.entries(parts.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: parts.graphName,
      node: parts.nodes,
      initializer,
      input: parts.inputs,
      output: parts.outputs,
      valueInfo: parts.valueInfo,
    },
  };
}

function inlineTensor(init: Initializer): TensorProto {
  return { name: init.name, dataType: init.dataType, dims: init.dims, rawData: bytesOf(init.data) };
}

/** raw_data is little-endian, like every machine we run on: a byte view, no copy. */
function bytesOf(data: Float32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function writeAll(path: string, chunks: Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    let offset = 0;
    for (const chunk of chunks) {
      writeFully(fd, chunk, offset);
      offset += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
}

function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30), position + done);
  }
}

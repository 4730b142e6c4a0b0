/**
 * safetensors I/O: an 8-byte little-endian header length, a JSON header
 * { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }, then the raw data.
 * Reading is lazy (one pread per get()), so a multi-GB checkpoint is never held twice in JS memory.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { bf16ToF32Array, f16ToF32Array, f32ToBf16Array, f32ToF16Array } from './dtype.js';
import type { Tensor32, Weights } from './weights.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

interface Entry {
  path: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte offsets in the file. */
  begin: number;
  end: number;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Reads the header of one file into entries with absolute offsets. */
export function readSafetensorsHeader(path: string): Map<string, Entry> {
  const fd = openSync(path, 'r');
  try {
    const lengthBytes = readExactly(fd, 8, 0);
    const headerLength = Number(Buffer.from(lengthBytes).readBigUInt64LE(0));
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(readExactly(fd, headerLength, 8)).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      // eslint-disable-next-line preserve-caught-error -- JSON.parse's message (the cause) quotes the file
      if (err instanceof SyntaxError) throw new Error(`${path}: not a safetensors file (its header is not JSON)`);
      throw err;
    }
    const entries = new Map<string, Entry>();
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const info = raw as HeaderEntry;
      if (!(info.dtype in BYTES)) {
        throw new Error(`${path}: tensor ${name} has dtype ${info.dtype}; only F32, F16 and BF16 are supported`);
      }
      const dtype = info.dtype as SafetensorsDtype;
      const count = info.shape.reduce((a, b) => a * b, 1);
      const [begin, end] = info.data_offsets;
      if (end - begin !== count * BYTES[dtype]) {
        throw new Error(`${path}: tensor ${name} spans ${end - begin} bytes, shape [${info.shape.join(', ')}] needs ${count * BYTES[dtype]}`);
      }
      entries.set(name, { path, dtype, shape: info.shape, begin: 8 + headerLength + begin, end: 8 + headerLength + end });
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Weights backed by one or more safetensors files (shards); converts to float32 on every get(). */
export class SafetensorsWeights implements Weights {
  private readonly entries = new Map<string, Entry>();

  constructor(paths: string[]) {
    for (const path of paths) {
      for (const [name, entry] of readSafetensorsHeader(path)) {
        if (this.entries.has(name)) throw new Error(`tensor ${name} appears in two shards (${this.entries.get(name)!.path}, ${path})`);
        this.entries.set(name, entry);
      }
    }
  }

  get(name: string): Tensor32 {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`weight not found: ${name}`);
    const fd = openSync(entry.path, 'r');
    try {
      const length = entry.end - entry.begin;
      if (entry.dtype === 'F32') {
        const data = new Float32Array(length / 4);
        readInto(fd, new Uint8Array(data.buffer), entry.begin);
        return { data, shape: [...entry.shape] };
      }
      const half = new Uint16Array(length / 2);
      readInto(fd, new Uint8Array(half.buffer), entry.begin);
      const data = entry.dtype === 'BF16' ? bf16ToF32Array(half) : f16ToF32Array(half);
      return { data, shape: [...entry.shape] };
    } finally {
      closeSync(fd);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The stored dtype of a tensor (before conversion). */
  dtypeOf(name: string): SafetensorsDtype | undefined {
    return this.entries.get(name)?.dtype;
  }
}

export interface SafetensorsTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Writes float32 tensors as one safetensors file, stored in `dtype` (for test checkpoints and merged weights). */
export function writeSafetensors(path: string, tensors: SafetensorsTensor[], dtype: SafetensorsDtype = 'F32', metadata?: Record<string, string>): void {
  writeFileSync(path, encodeSafetensors(tensors, dtype, metadata));
}

/** The bytes of a safetensors file holding `tensors` in `dtype` (what writeSafetensors writes). */
export function encodeSafetensors(tensors: SafetensorsTensor[], dtype: SafetensorsDtype = 'F32', metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const stored = dtype === 'F32' ? tensor.data : dtype === 'BF16' ? f32ToBf16Array(tensor.data) : f32ToF16Array(tensor.data);
    const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
    header[tensor.name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // keep the data 8-byte aligned, as the format asks
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json, 'utf8'), ...chunks]);
}

function readExactly(fd: number, length: number, position: number): Uint8Array {
  const out = new Uint8Array(length);
  readInto(fd, out, position);
  return out;
}

/** readSync may return short reads (and caps one read near 2 GiB); loop until filled. */
function readInto(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(target.length - done, 1 << 30), position + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += n;
  }
}

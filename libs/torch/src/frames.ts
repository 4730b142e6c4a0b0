/**
 * The worker protocol's framing (libs/torch/python/worker.py speaks the same): every message is
 *
 *   u32 header_len | u32 payload_len | header (UTF-8 JSON) | payload (tensors back to back)
 *
 * little-endian, the header naming the tensors in payload order (`tensors: [{ name, dtype, shape }]`).
 * Binary tensors, not JSON numbers: a population's token ids and adapter rows cross as raw bytes,
 * and a whole generation is one request, so nothing crosses per token. Pure (no I/O).
 */

export type FrameDtype = 'i32' | 'f32' | 'f64';

/** A tensor in a frame: flat data with its shape. */
export interface FrameTensor {
  name: string;
  data: Int32Array | Float32Array | Float64Array;
  shape: number[];
}

/** A decoded frame. */
export interface Frame {
  header: Record<string, unknown>;
  tensors: Map<string, FrameTensor>;
}

const PREFIX = 8;

function dtypeOf(data: FrameTensor['data']): FrameDtype {
  if (data instanceof Int32Array) return 'i32';
  if (data instanceof Float32Array) return 'f32';
  return 'f64';
}

/** One frame's bytes. */
export function encodeFrame(header: Record<string, unknown>, tensors: readonly FrameTensor[] = []): Buffer {
  const specs = tensors.map((t) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${t.name}: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
    return { name: t.name, dtype: dtypeOf(t.data), shape: t.shape };
  });
  const head = Buffer.from(JSON.stringify({ ...header, tensors: specs }), 'utf8');
  const payload = tensors.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  const payloadLength = payload.reduce((s, b) => s + b.length, 0);
  const prefix = Buffer.alloc(PREFIX);
  prefix.writeUInt32LE(head.length, 0);
  prefix.writeUInt32LE(payloadLength, 4);
  return Buffer.concat([prefix, head, ...payload]);
}

const CONSTRUCTORS = { i32: Int32Array, f32: Float32Array, f64: Float64Array } as const;

/** Collects stream chunks and yields whole frames as they complete. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds bytes; returns the frames they completed (often none, sometimes several). */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < PREFIX) return frames;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [all];
      const headerLength = all.readUInt32LE(0);
      const payloadLength = all.readUInt32LE(4);
      const total = PREFIX + headerLength + payloadLength;
      if (all.length < total) return frames;
      frames.push(decodeFrame(all.subarray(PREFIX, PREFIX + headerLength), all.subarray(PREFIX + headerLength, total)));
      const rest = all.subarray(total);
      this.chunks = rest.length > 0 ? [Buffer.from(rest)] : [];
      this.buffered = rest.length;
    }
  }
}

function decodeFrame(head: Buffer, payload: Buffer): Frame {
  const header = JSON.parse(head.toString('utf8')) as Record<string, unknown>;
  const specs = (header.tensors ?? []) as { name: string; dtype: FrameDtype; shape: number[] }[];
  delete header.tensors;
  const tensors = new Map<string, FrameTensor>();
  let offset = 0;
  for (const spec of specs) {
    const Ctor = CONSTRUCTORS[spec.dtype];
    if (!Ctor) throw new Error(`frame tensor ${spec.name}: unknown dtype ${String(spec.dtype)}`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * Ctor.BYTES_PER_ELEMENT;
    if (offset + bytes > payload.length) throw new Error(`frame tensor ${spec.name}: payload ends early`);
    // copied: the typed array needs its own aligned buffer
    const data = new Ctor(count);
    new Uint8Array(data.buffer).set(payload.subarray(offset, offset + bytes));
    tensors.set(spec.name, { name: spec.name, data, shape: spec.shape });
    offset += bytes;
  }
  return { header, tensors };
}

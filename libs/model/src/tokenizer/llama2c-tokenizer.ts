/**
 * llama2.c's tokenizer export (tokenizer.py → tok*.bin): int32 max_token_length, then per token
 * float32 score, int32 byte length, bytes. Encoding and decoding follow run.c byte for byte:
 * a dummy-prefix space, byte fallback (<0xNN> = id NN + 3), greedy merges by highest score,
 * and after BOS the leading space of a piece is dropped.
 */
import { readFileSync } from 'node:fs';
import type { Tokenizer } from './tokenizer.js';

const BOS = 1;
const EOS = 2;
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

export class Llama2cTokenizer implements Tokenizer {
  readonly bosId = BOS;
  readonly eosIds = [EOS];
  readonly vocabSize: number;
  readonly maxTokenLength: number;
  /** Raw bytes of each piece ('▁' already replaced by ' ' in the export). */
  private readonly pieces: Uint8Array[];
  private readonly scores: Float32Array;
  /** piece (as a latin1 string, so any byte sequence is a key) → id; first id wins like a stable lookup. */
  private readonly lookup = new Map<string, number>();

  constructor(bytes: Uint8Array, vocabSize?: number) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.maxTokenLength = view.getInt32(0, true);
    const pieces: Uint8Array[] = [];
    const scores: number[] = [];
    let offset = 4;
    while (offset < bytes.length && (vocabSize === undefined || pieces.length < vocabSize)) {
      scores.push(view.getFloat32(offset, true));
      const length = view.getInt32(offset + 4, true);
      pieces.push(bytes.slice(offset + 8, offset + 8 + length));
      offset += 8 + length;
    }
    if (vocabSize !== undefined && pieces.length !== vocabSize) {
      throw new Error(`tokenizer holds ${pieces.length} tokens, the model expects ${vocabSize}`);
    }
    this.pieces = pieces;
    this.scores = Float32Array.from(scores);
    this.vocabSize = pieces.length;
    pieces.forEach((piece, id) => {
      const key = latin1(piece);
      if (!this.lookup.has(key)) this.lookup.set(key, id);
    });
  }

  static fromFile(path: string, vocabSize?: number): Llama2cTokenizer {
    return new Llama2cTokenizer(readFileSync(path), vocabSize);
  }

  /** run.c encode(): BOS, dummy prefix, per-codepoint lookup with byte fallback, then best-score merges. */
  encode(text: string, opts: { bos?: boolean } = {}): number[] {
    const tokens: number[] = [];
    if (opts.bos ?? true) tokens.push(BOS);
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > 0) tokens.push(this.id(' '));
    let start = 0;
    while (start < bytes.length) {
      let end = start + 1;
      while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80 && end - start < 4) end++;
      const codepoint = bytes.subarray(start, end);
      const id = this.lookup.get(latin1(codepoint));
      if (id !== undefined) tokens.push(id);
      else for (const b of codepoint) tokens.push(b + 3); // byte fallback: <0x00> is id 3
      start = end;
    }
    for (;;) {
      let bestScore = -1e10;
      let bestId = -1;
      let bestIndex = -1;
      for (let i = 0; i < tokens.length - 1; i++) {
        const merged = this.lookup.get(latin1(this.pieces[tokens[i]!]!) + latin1(this.pieces[tokens[i + 1]!]!));
        if (merged !== undefined && this.scores[merged]! > bestScore) {
          bestScore = this.scores[merged]!;
          bestId = merged;
          bestIndex = i;
        }
      }
      if (bestIndex === -1) break;
      tokens.splice(bestIndex, 2, bestId);
    }
    return tokens;
  }

  /** run.c decode(): the bytes printed for `id` after `prev` (leading space dropped after BOS, <0xNN> → byte). */
  decodeTokenBytes(prev: number, id: number): Uint8Array {
    let piece = this.piece(id);
    if (prev === BOS && piece[0] === 0x20) piece = piece.subarray(1);
    const byte = BYTE_TOKEN.exec(latin1(piece));
    return byte ? Uint8Array.of(parseInt(byte[1]!, 16)) : piece;
  }

  decodeToken(prev: number, id: number): string {
    return new TextDecoder().decode(this.decodeTokenBytes(prev, id));
  }

  /** sentencepiece-style decode: skip <unk>/<s>/</s>, bytes joined before UTF-8 decoding, leading space stripped. */
  decode(ids: number[]): string {
    const chunks: Uint8Array[] = [];
    let prev = BOS; // the first piece loses its leading space, as after BOS
    for (const id of ids) {
      if (id <= EOS) {
        prev = id;
        continue;
      }
      chunks.push(this.decodeTokenBytes(prev, id));
      prev = id;
    }
    return new TextDecoder().decode(Buffer.concat(chunks));
  }

  /** The raw piece of an id. */
  piece(id: number): Uint8Array {
    const piece = this.pieces[id];
    if (!piece) throw new Error(`token id ${id} is outside the vocabulary (${this.vocabSize})`);
    return piece;
  }

  private id(text: string): number {
    const id = this.lookup.get(text);
    if (id === undefined) throw new Error(`tokenizer has no piece ${JSON.stringify(text)}`);
    return id;
  }
}

/**
 * run.c safe_printf(): a piece that is one byte is printed only if it is printable or whitespace
 * (C locale), so lone bytes of multi-byte characters never reach the terminal.
 */
export function llama2cPrintable(piece: Uint8Array): Uint8Array {
  if (piece.length !== 1) return piece;
  const b = piece[0]!;
  const printable = b >= 0x20 && b <= 0x7e;
  const space = b === 0x20 || (b >= 0x09 && b <= 0x0d);
  return printable || space ? piece : new Uint8Array(0);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

import type { BuildOptions } from '../builder/build-options.js';

export interface DecoderSessionOptions extends BuildOptions {
  /**
   * Where built graphs are cached.
   * @defaultValue `$TINYSWEEP_CACHE_DIR`, else ~/.cache/tinysweep/graphs
   */
  cacheDir?: string;
  /**
   * `cuda` needs onnxruntime-node installed with its CUDA binaries (ONNXRUNTIME_NODE_INSTALL=cuda12).
   * @defaultValue 'cpu'
   */
  executionProvider?: 'cpu' | 'cuda';
  /**
   * Intra-op threads.
   * @defaultValue 0 (ONNX Runtime's choice: one per core)
   */
  threads?: number;
}

export const DECODER_SESSION_DEFAULTS = { maxBatch: 16, executionProvider: 'cpu', threads: 0 } as const;

/** Throws a plain Error naming the option. */
export function validateSessionOptions(opts: { maxBatch: number; threads: number }): void {
  if (!Number.isInteger(opts.maxBatch) || opts.maxBatch <= 0) throw new Error(`maxBatch must be a positive integer (got ${opts.maxBatch})`);
  if (!Number.isInteger(opts.threads) || opts.threads < 0) throw new Error(`threads must be a non-negative integer (got ${opts.threads})`);
}

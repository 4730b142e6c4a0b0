/**
 * Built graphs are cached on disk, keyed by sha256(model hash, adapter key, builder version):
 * a second session for the same model and adapter structure loads the file instead of rebuilding.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BuildOptions } from '../builder/build-options.js';
import { saveDecoderGraph } from '../builder/build-graph.js';
import { BUILDER_VERSION, type BuilderModel } from '../builder/model-builder.js';

/** `$TINYSWEEP_CACHE_DIR`, else ~/.cache/tinysweep/graphs. */
export function defaultGraphCacheDir(): string {
  return process.env.TINYSWEEP_CACHE_DIR ?? join(homedir(), '.cache', 'tinysweep', 'graphs');
}

export function graphCacheKey(modelHash: string, adapterKey: string | undefined): string {
  return createHash('sha256').update(`${modelHash}\n${adapterKey ?? ''}\n${BUILDER_VERSION}`).digest('hex');
}

export interface CachedGraph {
  path: string;
  /** True when the file was already there and nothing was built. */
  cacheHit: boolean;
}

/**
 * The graph file for this model + adapter, built and written if missing. Files land in a temporary
 * directory first and are renamed into place (data file before the .onnx), so a reader never sees half a graph.
 */
export function ensureGraph(model: BuilderModel, opts: BuildOptions, cacheDir: string): CachedGraph {
  if (!model.hash) throw new Error('model.hash is empty: the graph cache needs it to tell models apart');
  const key = graphCacheKey(model.hash, opts.adapter?.key);
  const path = join(cacheDir, `${key}.onnx`);
  if (existsSync(path)) return { path, cacheHit: true };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, '.build-'));
  try {
    const saved = saveDecoderGraph(model, join(tmp, `${key}.onnx`), opts);
    if (saved.externalData) renameSync(saved.externalData, `${path}.data`);
    renameSync(saved.path, path);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { path, cacheHit: false };
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { validateDecoderConfig } from '../config/decoder-config.js';
import { Llama2cTokenizer } from '../tokenizer/llama2c-tokenizer.js';
import { loadHfModel } from './hf-model.js';
import type { LoadedModel } from './loaded-model.js';
import { readLlama2cCheckpoint } from './llama2c-model.js';
import { hashModel } from './model-hash.js';

export interface LoadModelOptions {
  /**
   * llama2.c only: the tokenizer export to use.
   * @defaultValue tokenizer.bin beside the checkpoint, else the only tok*.bin there
   */
  tokenizer?: string;
}

/**
 * Loads a HF model directory (config.json + safetensors + tokenizer.json) or a llama2.c `.bin`
 * checkpoint (tokenizer from a tok*.bin beside it). Unknown architectures throw, naming the architecture.
 */
export async function loadModel(path: string, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`model not found: ${full}`);
  if (statSync(full).isDirectory()) {
    if (existsSync(join(full, 'config.json'))) return loadHfModel(full);
    throw new Error(`${full}: a model directory needs config.json (or pass a llama2.c .bin file)`);
  }
  if (full.endsWith('.bin')) return loadLlama2cModel(full, opts);
  throw new Error(`${full}: not a HF model directory or a llama2.c .bin checkpoint`);
}

async function loadLlama2cModel(path: string, opts: LoadModelOptions): Promise<LoadedModel> {
  const { config, weights } = readLlama2cCheckpoint(path);
  validateDecoderConfig(config);
  const tokenizer = Llama2cTokenizer.fromFile(opts.tokenizer ?? findLlama2cTokenizer(path), config.vocabSize);
  return { config, weights, tokenizer, hash: await hashModel(config, [path]), source: path };
}

function findLlama2cTokenizer(checkpoint: string): string {
  const dir = dirname(checkpoint);
  if (existsSync(join(dir, 'tokenizer.bin'))) return join(dir, 'tokenizer.bin');
  const candidates = readdirSync(dir).filter((f) => /^tok.*\.bin$/.test(f) && f !== basename(checkpoint));
  if (candidates.length === 1) return join(dir, candidates[0]!);
  throw new Error(
    candidates.length === 0
      ? `${dir}: no tokenizer.bin or tok*.bin beside ${basename(checkpoint)}; pass { tokenizer }`
      : `${dir}: several tokenizers (${candidates.join(', ')}); pass { tokenizer }`,
  );
}

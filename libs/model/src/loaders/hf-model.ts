/**
 * A Hugging Face model directory: config.json, model.safetensors or model.safetensors.index.json
 * (shards), tokenizer.json, tokenizer_config.json, optional generation_config.json and chat_template.jinja.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eosIds, validateDecoderConfig } from '../config/decoder-config.js';
import { decoderConfigFromHf } from '../config/hf-config.js';
import { HfTokenizer } from '../tokenizer/hf-tokenizer.js';
import { SafetensorsWeights } from '../weights/safetensors.js';
import type { LoadedModel } from './loaded-model.js';
import { hashModel } from './model-hash.js';

export async function loadHfModel(dir: string): Promise<LoadedModel> {
  const hfConfig = readJson(join(dir, 'config.json'));
  const generation = existsSync(join(dir, 'generation_config.json')) ? readJson(join(dir, 'generation_config.json')) : {};
  const config = decoderConfigFromHf(hfConfig, generation);

  const files = weightFiles(dir);
  const weights = new SafetensorsWeights(files);
  // Some checkpoints omit tie_word_embeddings but also omit lm_head: that is tying too.
  if (!weights.has('lm_head.weight')) config.tiedEmbeddings = true;
  const embed = weights.get('model.embed_tokens.weight').shape;
  if (embed[0] !== config.vocabSize || embed[1] !== config.dim) {
    throw new Error(`model.embed_tokens.weight is [${embed.join(', ')}], config says [${config.vocabSize}, ${config.dim}]`);
  }
  validateDecoderConfig(config);

  const tokenizerPath = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new Error(`${dir}: no tokenizer.json`);
  const tokenizerConfig = existsSync(join(dir, 'tokenizer_config.json')) ? readJson(join(dir, 'tokenizer_config.json')) : {};
  const tokenizer = new HfTokenizer(readJson(tokenizerPath), tokenizerConfig, { bosId: config.bosTokenId, eosIds: eosIds(config) });

  return {
    config,
    weights,
    tokenizer,
    hash: await hashModel(config, files),
    source: dir,
    chatTemplate: chatTemplate(dir, tokenizerConfig),
  };
}

function weightFiles(dir: string): string[] {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const weightMap = (readJson(index).weight_map ?? {}) as Record<string, string>;
    return [...new Set(Object.values(weightMap))].sort().map((file) => join(dir, file));
  }
  throw new Error(`${dir}: no model.safetensors or model.safetensors.index.json (PyTorch .bin checkpoints are not read)`);
}

/** tokenizer_config.json's chat_template is a string or a list of { name, template }; newer repos ship a .jinja file. */
function chatTemplate(dir: string, tokenizerConfig: Record<string, unknown>): string | undefined {
  const raw = tokenizerConfig.chat_template;
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    const named = raw as { name: string; template: string }[];
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  const file = join(dir, 'chat_template.jinja');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    // eslint-disable-next-line preserve-caught-error -- JSON.parse's message (the cause) quotes the file
    if (err instanceof SyntaxError) throw new Error(`${path}: not valid JSON`);
    throw err;
  }
}

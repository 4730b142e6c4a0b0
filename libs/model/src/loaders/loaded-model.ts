import type { DecoderConfig } from '../config/decoder-config.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { Weights } from '../weights/weights.js';

/** A model ready to build a graph from: what loadModel() returns. */
export interface LoadedModel {
  config: DecoderConfig;
  weights: Weights;
  tokenizer: Tokenizer;
  /** sha256 over the DecoderConfig and the weight files' bytes: keys graph caches and adapter files. */
  hash: string;
  /** Where it was loaded from (the HF directory or the .bin file). */
  source: string;
  /** Jinja chat template from tokenizer_config.json or chat_template.jinja, when the model has one. */
  chatTemplate?: string;
}

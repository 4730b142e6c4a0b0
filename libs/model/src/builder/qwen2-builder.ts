import type { BuildOptions } from './build-options.js';
import { ModelBuilder, type BuilderModel } from './model-builder.js';

/** Qwen2 = Llama with biases on the q/k/v projections (untied embeddings in the larger sizes). */
export class Qwen2Builder extends ModelBuilder {
  constructor(model: BuilderModel, opts: BuildOptions = {}) {
    super(model, opts);
    this.attentionAttrs.qkvBias = true;
  }
}

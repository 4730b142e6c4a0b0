import type { BuildOptions } from './build-options.js';
import { ModelBuilder, type BuilderModel } from './model-builder.js';

/** Mistral = Llama with sliding-window attention (when config.json sets sliding_window). */
export class MistralBuilder extends ModelBuilder {
  constructor(model: BuilderModel, opts: BuildOptions = {}) {
    super(model, opts);
    this.attentionAttrs.slidingWindow = model.config.slidingWindow;
  }

  /**
   *  causal [T,S] ──────────────────────────────────────────┐
   *  key slot > query slot − window: Greater [T,S] ──────── And ─▶ allowed [T,S]
   */
  protected override makeAllowedKeys(path: string, keySlots: string, querySlots: string): string {
    const causal = super.makeAllowedKeys(path, keySlots, querySlots);
    const window = this.attentionAttrs.slidingWindow;
    if (window === undefined) return causal;
    const oldest = this.makeSub(`${path}/window/Sub`, querySlots, this.int64Scalar(window), ['sequence_length', 1]);
    const inWindow = this.makeGreater(`${path}/window/Greater`, keySlots, oldest, ['sequence_length', 'total_sequence_length']);
    return this.makeAnd(`${path}/window/And`, causal, inWindow, ['sequence_length', 'total_sequence_length']);
  }
}

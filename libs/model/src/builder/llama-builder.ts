import { ModelBuilder } from './model-builder.js';

/** Llama is the base architecture: nothing differs. */
export class LlamaBuilder extends ModelBuilder {}

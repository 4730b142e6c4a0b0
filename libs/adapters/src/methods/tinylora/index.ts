/** TinyLoRA as an {@link AdapterMethod}: config.ts, layer.ts (graph branch, from plan.ts's plan), model.ts (plan). */
import { checkStructure } from '@tinysweep/tinylora';
import type { AdapterMethod } from '../../adapter-method.js';
import { parseOrThrow } from '../shared-fields.js';
import { TINYLORA_FIELDS, tinyLoraTrialSchema } from './config.js';
import { prepareTinyLora, tinyLoraFileStructure, tinyLoraStructure } from './model.js';

export const tinyLora: AdapterMethod = {
  name: 'tinylora',
  prefix: 'tinylora_',
  fields: TINYLORA_FIELDS,
  trialSchema: tinyLoraTrialSchema,
  prepare: (model, adapter, ctx) => prepareTinyLora(model, tinyLoraStructure(model, parseOrThrow(tinyLoraTrialSchema, adapter)), ctx),
  fromFile: (model, file, ctx) => prepareTinyLora(model, tinyLoraFileStructure(file), ctx),
  checkStructure: (value) => ({ ...checkStructure(value) }),
};

export type { TinyLoraAdapterConfig } from './config.js';
export { loraFactors } from './model.js';

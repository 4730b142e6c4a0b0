/** LoRA as an {@link AdapterMethod}: config.ts, layer.ts (graph branch), model.ts (plan). */
import type { AdapterMethod } from '../../adapter-method.js';
import type { MethodAdapterFile } from '../../method-file.js';
import { parseOrThrow } from '../shared-fields.js';
import { LORA_FIELDS, loraTrialSchema } from './config.js';
import { checkLoraStructure, loraStructure, prepareLora } from './model.js';

export const lora: AdapterMethod = {
  name: 'lora',
  prefix: 'lora_',
  fields: LORA_FIELDS,
  trialSchema: loraTrialSchema,
  prepare: (model, adapter) => prepareLora(model, loraStructure(model, parseOrThrow(loraTrialSchema, adapter))),
  fromFile: (model, file) => prepareLora(model, checkLoraStructure((file as MethodAdapterFile).structure)),
  checkStructure: (value) => ({ ...checkLoraStructure(value) }),
};

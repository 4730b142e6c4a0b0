/** LoRA-XS as an {@link AdapterMethod}: config.ts, layer.ts (graph branch), model.ts (plan). */
import type { AdapterMethod } from '../../adapter-method.js';
import type { MethodAdapterFile } from '../../method-file.js';
import { parseOrThrow } from '../shared-fields.js';
import { LORA_XS_FIELDS, loraXsTrialSchema } from './config.js';
import { checkLoraXsStructure, loraXsStructure, prepareLoraXs } from './model.js';

export const loraXs: AdapterMethod = {
  name: 'lora-xs',
  prefix: 'loraxs_',
  fields: LORA_XS_FIELDS,
  trialSchema: loraXsTrialSchema,
  prepare: (model, adapter, ctx) => prepareLoraXs(model, loraXsStructure(model, parseOrThrow(loraXsTrialSchema, adapter)), ctx),
  fromFile: (model, file, ctx) => prepareLoraXs(model, checkLoraXsStructure((file as MethodAdapterFile).structure), ctx),
  checkStructure: (value) => ({ ...checkLoraXsStructure(value) }),
};

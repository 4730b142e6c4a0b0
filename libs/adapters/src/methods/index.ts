/**
 * The adapter methods, one folder each. Adding one: a folder beside these (config.ts, layer.ts,
 * model.ts, index.ts exporting an AdapterMethod) and one line here.
 */
import type { AdapterMethod } from '../adapter-method.js';
import { lora } from './lora/index.js';
import { loraXs } from './lora-xs/index.js';
import { tinyLora } from './tinylora/index.js';

export const ADAPTER_METHODS: readonly AdapterMethod[] = [tinyLora, loraXs, lora];

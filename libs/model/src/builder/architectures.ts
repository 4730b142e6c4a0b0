/**
 * The one table from a HF `architectures[0]` to our architecture kind and its graph builder.
 * Adding a Llama-family model = a row here plus, if something differs, a small builder subclass.
 */
import type { ArchitectureKind } from '../config/decoder-config.js';
import type { BuildOptions } from './build-options.js';
import { LlamaBuilder } from './llama-builder.js';
import { MistralBuilder } from './mistral-builder.js';
import type { BuilderModel, ModelBuilder } from './model-builder.js';
import { Qwen2Builder } from './qwen2-builder.js';

export interface ArchitectureEntry {
  kind: ArchitectureKind;
  builder: new (model: BuilderModel, opts?: BuildOptions) => ModelBuilder;
}

export const ARCHITECTURES: Readonly<Record<string, ArchitectureEntry>> = {
  LlamaForCausalLM: { kind: 'llama', builder: LlamaBuilder },
  Qwen2ForCausalLM: { kind: 'qwen2', builder: Qwen2Builder },
  MistralForCausalLM: { kind: 'mistral', builder: MistralBuilder },
};

/** Throws on an architecture we cannot build, naming it. */
export function architectureFor(hfArchitecture: string): ArchitectureEntry {
  const entry = Object.hasOwn(ARCHITECTURES, hfArchitecture) ? ARCHITECTURES[hfArchitecture] : undefined;
  if (!entry) throw new Error(`architecture ${hfArchitecture} is not supported (supported: ${Object.keys(ARCHITECTURES).join(', ')})`);
  return entry;
}

export function createBuilder(model: BuilderModel, opts: BuildOptions = {}): ModelBuilder {
  const entry = Object.values(ARCHITECTURES).find((e) => e.kind === model.config.architecture);
  if (!entry) throw new Error(`architecture ${model.config.architecture} is not supported`);
  return new entry.builder(model, opts);
}

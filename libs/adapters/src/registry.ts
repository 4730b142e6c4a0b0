/**
 * The registry of adapter methods: all the engine, the trainer and the export know of them. Built
 * once from methods/index.ts; throws at load on a name that is not lowercase or a repeated name or
 * prefix (as PEFT's register_peft_method does).
 *
 *   adapterMethod('lora-xs').prepare(model, trial.adapter, { factors });
 *   parseAnyAdapter(text);          // TinyLoRA's file (no `method`) or another method's
 */
import { AdapterFileError, parseAdapter, serializeAdapter, type AdapterFile } from '@tinysweep/tinylora';
import type { AdapterMethod } from './adapter-method.js';
import { adapterFileMethod, serializeMethodAdapter, validateMethodAdapter, type AnyAdapterFile, type MethodAdapterFile } from './method-file.js';
import { ADAPTER_METHODS } from './methods/index.js';

/** The method a trial or file gets when it names none. */
export const DEFAULT_ADAPTER_METHOD = 'tinylora';

const registry = new Map<string, AdapterMethod>();
for (const m of ADAPTER_METHODS) {
  if (!/^[a-z][a-z0-9-]*$/.test(m.name)) throw new Error(`adapter method name ${JSON.stringify(m.name)} must be lowercase (a-z, 0-9, -)`);
  if (registry.has(m.name)) throw new Error(`adapter method ${m.name} is registered twice`);
  const clash = [...registry.values()].find((o) => o.prefix === m.prefix);
  if (clash) throw new Error(`adapter methods ${clash.name} and ${m.name} share the prefix ${m.prefix}`);
  registry.set(m.name, m);
}

/** Names of the registered methods, in registration order. */
export function adapterMethodNames(): string[] {
  return [...registry.keys()];
}

/** The method called `name` (absent: TinyLoRA); throws naming the known ones. */
export function adapterMethod(name: string | undefined = DEFAULT_ADAPTER_METHOD): AdapterMethod {
  const m = registry.get(name);
  if (!m) throw new Error(`unknown adapter method ${JSON.stringify(name)} (known: ${adapterMethodNames().join(', ')})`);
  return m;
}

/** An adapter file's text, whatever its method. Throws AdapterFileError naming the field. */
export function parseAnyAdapter(text: string): AnyAdapterFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AdapterFileError('(file)', `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('method' in value)) return parseAdapter(text);
  const o = value as Record<string, unknown>;
  const name = o.method;
  if (typeof name !== 'string' || !registry.has(name)) throw new AdapterFileError('method', `unknown adapter method ${JSON.stringify(name)} (known: ${adapterMethodNames().join(', ')})`);
  if (name === DEFAULT_ADAPTER_METHOD) {
    const { method: _method, ...rest } = o;
    return parseAdapter(JSON.stringify(rest));
  }
  return validateMethodAdapter(o, (s) => adapterMethod(name).checkStructure(s));
}

/** The file's text (TinyLoRA's files exactly as libs/tinylora writes them). */
export function serializeAnyAdapter(file: AnyAdapterFile): string {
  return adapterFileMethod(file) === DEFAULT_ADAPTER_METHOD ? serializeAdapter(file as AdapterFile) : serializeMethodAdapter(file as MethodAdapterFile);
}

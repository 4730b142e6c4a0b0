/**
 * The adapter file of a method other than TinyLoRA. TinyLoRA keeps its own format
 * (`tinysweep.tinylora/1`, libs/tinylora), and a file without `method` is TinyLoRA's, so every file
 * written before methods existed reads as it did. Other methods write one JSON line:
 *
 *   {"format":"tinysweep.adapter/1","method":"lora","baseModel":{"hash":"…"},
 *    "structure":{"layers":"3-4","modules":["q","v"],"rank":1,"alpha":1,"initSeed":0},
 *    "trainableParams":256,"effectiveParams":256,"v":[…]}
 *
 * `structure` is the method's (its checkStructure reads it); as in TinyLoRA's file nothing large is
 * stored, the frozen tensors come back from the base model and the structure's seeds.
 */
import { AdapterFileError, canonicalModules, formatLayerRanges, isModuleName, MODULE_ORDER, parseLayerRanges, type AdapterFile, type ModuleName } from '@tinysweep/tinylora';

export const METHOD_ADAPTER_FORMAT = 'tinysweep.adapter/1';

/** A trained adapter of a method other than TinyLoRA. */
export interface MethodAdapterFile {
  format: typeof METHOD_ADAPTER_FORMAT;
  method: string;
  baseModel: { hash: string; name?: string };
  /** The method's structure: `layers`, `modules`, `rank` and its own fields. */
  structure: Record<string, unknown> & { layers: number[]; modules: ModuleName[]; rank: number };
  /** = v.length. */
  trainableParams: number;
  /** Non-zero entries of v. */
  effectiveParams: number;
  prune?: { threshold: number };
  /** The trainable vector, float32 values, in the method's layout. */
  v: number[];
}

/** Any adapter file: TinyLoRA's (no `method`) or another method's. */
export type AnyAdapterFile = AdapterFile | MethodAdapterFile;

/** The method of a file: `tinylora` when it records none. */
export function adapterFileMethod(f: AnyAdapterFile): string {
  return 'method' in f ? f.method : 'tinylora';
}

/** A {@link MethodAdapterFile} for trained numbers (rounded to float32). */
export function buildMethodAdapterFile(args: {
  method: string;
  baseModel: { hash: string; name?: string };
  structure: MethodAdapterFile['structure'];
  v: ArrayLike<number>;
  prune?: { threshold: number };
}): MethodAdapterFile {
  const v = Array.from(args.v, (x) => Math.fround(x));
  const file: MethodAdapterFile = {
    format: METHOD_ADAPTER_FORMAT,
    method: args.method,
    baseModel: args.baseModel.name === undefined ? { hash: args.baseModel.hash } : { hash: args.baseModel.hash, name: args.baseModel.name },
    structure: args.structure,
    trainableParams: v.length,
    effectiveParams: v.filter((x) => x !== 0).length,
    v,
  };
  if (args.prune !== undefined) file.prune = { threshold: args.prune.threshold };
  return file;
}

/** One line of JSON, keys in a fixed order, layers as ranges, v last. */
export function serializeMethodAdapter(f: MethodAdapterFile): string {
  const structure = { ...f.structure, layers: formatLayerRanges(f.structure.layers) };
  const parts = [
    `"format":${JSON.stringify(f.format)}`,
    `"method":${JSON.stringify(f.method)}`,
    `"baseModel":${JSON.stringify(f.baseModel)}`,
    `"structure":${JSON.stringify(structure)}`,
    `"trainableParams":${f.trainableParams}`,
    `"effectiveParams":${f.effectiveParams}`,
  ];
  if (f.prune !== undefined) parts.push(`"prune":{"threshold":${JSON.stringify(f.prune.threshold)}}`);
  parts.push(`"v":${JSON.stringify(f.v)}`);
  return `{${parts.join(',')}}`;
}

/**
 * Checks the envelope of a method file (`checkStructure` is the method's); throws AdapterFileError
 * naming the field.
 */
export function validateMethodAdapter(o: Record<string, unknown>, checkStructure: (s: unknown) => Record<string, unknown>): MethodAdapterFile {
  for (const key of Object.keys(o)) {
    if (!['format', 'method', 'baseModel', 'structure', 'trainableParams', 'effectiveParams', 'prune', 'v'].includes(key)) throw new AdapterFileError(key, 'unknown field');
  }
  if (o.format !== METHOD_ADAPTER_FORMAT) throw new AdapterFileError('format', `expected ${JSON.stringify(METHOD_ADAPTER_FORMAT)} for a ${String(o.method)} adapter (got ${JSON.stringify(o.format)})`);
  const bm = o.baseModel as Record<string, unknown> | undefined;
  if (typeof bm !== 'object' || bm === null || typeof bm.hash !== 'string' || bm.hash === '') throw new AdapterFileError('baseModel.hash', 'must be a non-empty string');
  if (!Array.isArray(o.v)) throw new AdapterFileError('v', 'must be an array of numbers');
  const v = (o.v as unknown[]).map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw new AdapterFileError(`v[${i}]`, `must be a finite float32 number (got ${JSON.stringify(x)})`);
    return Math.fround(x);
  });
  if (o.trainableParams !== v.length) throw new AdapterFileError('trainableParams', `is ${JSON.stringify(o.trainableParams)} but v has ${v.length} numbers`);
  const nonZero = v.filter((x) => x !== 0).length;
  if (o.effectiveParams !== nonZero) throw new AdapterFileError('effectiveParams', `is ${JSON.stringify(o.effectiveParams)} but v has ${nonZero} non-zero entries`);
  let prune: { threshold: number } | undefined;
  if (o.prune !== undefined) {
    const t = (o.prune as { threshold?: unknown } | null)?.threshold;
    if (typeof t !== 'number' || !(t >= 0 && t < 1)) throw new AdapterFileError('prune.threshold', `must be a number in [0, 1) (got ${JSON.stringify(t)})`);
    prune = { threshold: t };
  }
  const structure = checkStructure(o.structure) as MethodAdapterFile['structure'];
  return buildMethodAdapterFile({ method: o.method as string, baseModel: { hash: bm.hash, ...(typeof bm.name === 'string' ? { name: bm.name } : {}) }, structure, v, prune });
}

/**
 * The fields every method's structure has (`layers` as ranges or indices, `modules`, `rank`) checked,
 * plus exactly `own` (each checked by the caller); throws AdapterFileError naming `structure.<field>`.
 */
export function checkCommonStructure(value: unknown, own: readonly string[]): { layers: number[]; modules: ModuleName[]; rank: number; rest: Record<string, unknown> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AdapterFileError('structure', 'must be an object');
  const s = value as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!['layers', 'modules', 'rank', ...own].includes(key)) throw new AdapterFileError(`structure.${key}`, `unknown field (expected layers, modules, rank${own.map((k) => `, ${k}`).join('')})`);
  const layers = typeof s.layers === 'string' ? parseLayerRanges(s.layers) : Array.isArray(s.layers) && s.layers.every((l) => Number.isInteger(l) && (l as number) >= 0) ? [...new Set(s.layers as number[])].sort((a, b) => a - b) : 'must be block ranges like "0-3" or a list of block indices';
  if (typeof layers === 'string' || layers.length === 0) throw new AdapterFileError('structure.layers', typeof layers === 'string' ? layers : 'must not be empty');
  if (!Array.isArray(s.modules) || s.modules.length === 0 || !s.modules.every(isModuleName)) throw new AdapterFileError('structure.modules', `must be a non-empty list of ${MODULE_ORDER.join(', ')}`);
  if (!Number.isInteger(s.rank) || (s.rank as number) < 1) throw new AdapterFileError('structure.rank', `must be a positive integer (got ${JSON.stringify(s.rank)})`);
  return { layers, modules: canonicalModules(s.modules as ModuleName[]), rank: s.rank as number, rest: s };
}

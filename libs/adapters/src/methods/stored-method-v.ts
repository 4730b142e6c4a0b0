/**
 * A stored adapter of a method other than TinyLoRA as a run's starting point: its v, after checking
 * it was trained for this base model, method and structure.
 */
import { adapterFileMethod, type AnyAdapterFile, type MethodAdapterFile } from '../method-file.js';

/** Throws an Error naming `adapter.<field>` where the file and the trial differ. */
export function storedMethodV(file: AnyAdapterFile, method: string, structure: MethodAdapterFile['structure'], modelHash: string, dim: number): Float32Array {
  if (adapterFileMethod(file) !== method) throw new Error(`adapter.method: the stored adapter is ${adapterFileMethod(file)}, the trial ${method}`);
  if (file.baseModel.hash !== modelHash) throw new Error(`adapter: the stored adapter was trained on model ${file.baseModel.hash.slice(0, 12)}, not this one (${modelHash.slice(0, 12)})`);
  const stored = (file as MethodAdapterFile).structure;
  for (const key of new Set([...Object.keys(stored), ...Object.keys(structure)])) {
    if (JSON.stringify(stored[key]) !== JSON.stringify(structure[key])) throw new Error(`adapter.${key}: the stored adapter has ${JSON.stringify(stored[key])}, the trial ${JSON.stringify(structure[key])}`);
  }
  if (file.v.length !== dim) throw new Error(`adapter: the stored adapter has ${file.v.length} numbers, the trial needs ${dim}`);
  return Float32Array.from(file.v);
}

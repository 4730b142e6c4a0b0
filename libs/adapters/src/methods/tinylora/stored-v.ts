/**
 * A stored adapter as the starting point of a run (a shared training's result, pruned per threshold by
 * its trials): its v, after checking it was trained for this trial's base model and adapter structure.
 */
import type { AdapterFile, AdapterStructure } from '@tinysweep/tinylora';

/** The stored v [groups·u]; throws an Error `adapter[.<field>]: …` when it does not fit (the engine reports it as the trial's). */
export function storedV(file: AdapterFile, structure: AdapterStructure, modelHash: string, dim: number): Float32Array {
  if (file.baseModel.hash !== modelHash) {
    throw new Error(`adapter: the stored adapter was trained on model ${file.baseModel.hash.slice(0, 12)}, not this one (${modelHash.slice(0, 12)})`);
  }
  const fields = ['layers', 'modules', 'rank', 'u', 'tie', 'projectionSeed', 'svd'] as const;
  for (const f of fields) {
    if (JSON.stringify(file.structure[f]) !== JSON.stringify(structure[f])) {
      throw new Error(`adapter.${f}: the stored adapter has ${JSON.stringify(file.structure[f])}, the trial ${JSON.stringify(structure[f])}`);
    }
  }
  if (file.v.length !== dim) throw new Error(`adapter: the stored adapter has ${file.v.length} numbers, the trial needs ${dim}`);
  return Float32Array.from(file.v);
}

/**
 * Weight tying: adapted modules in one group share one trainable vector v ∈ ℝᵘ, so the adapter has
 * `groups × u` trainable numbers however many modules it touches.
 *
 * Grouping rules, over targets in depth order (layer-major, then q, k, v, o, gate, up, down):
 *
 * - `none`: every module its own group (groups = modules).
 * - `full`: all modules one group (groups = 1).
 * - `tiled` n: consecutive modules chunked n at a time whatever their type (groups = ⌈modules / n⌉).
 *   The paper's best: 28 layers × 7 modules = 196, n = 16 → 13 groups; with u = 1, 13 parameters.
 * - `structured` n: the selected layers are cut into blocks of n consecutive *selected* layers
 *   (the last block may be shorter), and within a block the modules of one type form a group
 *   (q with q, k with k, …). groups = ⌈selected layers / n⌉ × module types: 28 layers × 7 types with
 *   n = 4 → 7 blocks × 7 = 49 groups; n = 28 → 7 groups (one per type); n = 1 → same as `none`.
 *   Note this is not ⌈modules / n⌉ in general (28 layers, n = 3: 10 blocks × 7 = 70, not 66), since
 *   a group never mixes types or straddles a block.
 *
 * Groups are numbered in the order their first module appears in depth order, so group 0 always holds
 * target 0, and v's rows ([groups, u]) follow the model from the bottom up.
 */
import { compareTargets, type AdapterTarget } from './layer-selection.js';

/** How adapted modules share trainable vectors (see the module comment). */
export type TieSpec = { mode: 'none' } | { mode: 'full' } | { mode: 'tiled'; n: number } | { mode: 'structured'; n: number };

/** One group of modules sharing a v; `index` is its row in v ([groups, u]). */
export interface TieGroup {
  index: number;
  targets: AdapterTarget[];
}

/** Throws an Error naming the field when a tie spec is malformed (`tie.mode`, `tie.n`). */
export function checkTieSpec(tie: TieSpec, name = 'tie'): void {
  const t: unknown = tie;
  if (typeof t !== 'object' || t === null) throw new Error(`${name} must be an object { mode, n? } (got ${String(t)})`);
  const mode = (t as { mode?: unknown }).mode;
  if (mode === 'none' || mode === 'full') return;
  if (mode !== 'tiled' && mode !== 'structured') throw new Error(`${name}.mode must be one of none, full, tiled, structured (got ${JSON.stringify(mode)})`);
  const n = (t as { n?: unknown }).n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`${name}.n must be a positive integer for mode ${mode} (got ${JSON.stringify(n)})`);
}

/**
 * The group index of each target (same order as `targets`). `targets` must be in depth order without
 * repeats, as {@link adapterTargets} returns them; throws otherwise, or on a bad tie spec.
 */
export function groupOf(targets: AdapterTarget[], tie: TieSpec): number[] {
  checkTieSpec(tie);
  for (let t = 1; t < targets.length; t++) {
    if (compareTargets(targets[t - 1], targets[t]) >= 0) {
      throw new Error(`targets must be in depth order without repeats (target ${t}: layer ${targets[t].layer} ${targets[t].module} comes after layer ${targets[t - 1].layer} ${targets[t - 1].module})`);
    }
  }
  switch (tie.mode) {
    case 'none':
      return targets.map((_, t) => t);
    case 'full':
      return targets.map(() => 0);
    case 'tiled':
      return targets.map((_, t) => Math.floor(t / tie.n));
    case 'structured': {
      // Block of each selected layer: its position among the distinct layers, divided by n.
      const layerPos = new Map<number, number>();
      for (const { layer } of targets) if (!layerPos.has(layer)) layerPos.set(layer, layerPos.size);
      const numbering = new Map<string, number>();
      return targets.map(({ layer, module }) => {
        const key = `${Math.floor((layerPos.get(layer) ?? 0) / tie.n)}/${module}`;
        let g = numbering.get(key);
        if (g === undefined) {
          g = numbering.size;
          numbering.set(key, g);
        }
        return g;
      });
    }
  }
}

/** The tie groups, in index order, each with its targets in depth order. See {@link groupOf}. */
export function tieGroups(targets: AdapterTarget[], tie: TieSpec): TieGroup[] {
  const groups: TieGroup[] = [];
  groupOf(targets, tie).forEach((g, t) => {
    if (g === groups.length) groups.push({ index: g, targets: [] });
    groups[g].targets.push(targets[t]);
  });
  return groups;
}

/** Trainable numbers of an adapter: `nGroups × u`. */
export function trainableParamCount(nGroups: number, u: number): number {
  if (!Number.isInteger(nGroups) || nGroups < 0) throw new Error(`nGroups must be a non-negative integer (got ${String(nGroups)})`);
  if (!Number.isInteger(u) || u < 1) throw new Error(`u must be a positive integer (got ${String(u)})`);
  return nGroups * u;
}

/**
 * Pareto dominance and nondominated sorting (Deb et al., NSGA-II, 2002): front 0 holds the points
 * no other point dominates, front 1 those dominated only by front 0, and so on. O(M·N²) for N points
 * and M objectives, which is nothing next to training the N trials.
 *
 * The project's one Pareto implementation: the pareto search, `GET /sweeps/:id/front` and the
 * board's scatters (apps/api) all take their fronts from here, so they cannot disagree.
 */

/** Which way an objective is better. */
export type ObjectiveMode = 'max' | 'min';

/** True when `a` is at least as good as `b` in every objective and better in one. */
export function dominates(a: readonly number[], b: readonly number[], modes: readonly ObjectiveMode[]): boolean {
  let better = false;
  for (let m = 0; m < modes.length; m++) {
    const d = modes[m] === 'max' ? a[m]! - b[m]! : b[m]! - a[m]!;
    if (d < 0) return false;
    if (d > 0) better = true;
  }
  return better;
}

/**
 * The points sorted into fronts, best front first; within a front the input order is kept.
 * `values(p)` gives a point's objective values in `modes` order; points with a non-finite value are
 * left out (they cannot be compared).
 */
export function nondominatedSort<T>(points: readonly T[], values: (p: T) => readonly number[], modes: readonly ObjectiveMode[]): T[][] {
  const pts = points.filter((p) => values(p).length === modes.length && values(p).every(Number.isFinite));
  const v = pts.map(values);
  const dominatedBy = pts.map(() => 0); // how many points dominate i
  const dominating: number[][] = pts.map(() => []); // the points i dominates
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      if (dominates(v[i]!, v[j]!, modes)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dominates(v[j]!, v[i]!, modes)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const fronts: T[][] = [];
  let current = pts.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  while (current.length > 0) {
    fronts.push(current.map((i) => pts[i]!));
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * The first front alone, exactly `nondominatedSort(points, values, modes)[0] ?? []` (input order
 * kept, equal points all kept). With two objectives (the board's scatters: a point per parameter
 * count, up to one per trial of a 100,000-trial sweep) a sort and one scan, O(N log N), instead of
 * comparing every pair.
 */
export function paretoFront<T>(points: readonly T[], values: (p: T) => readonly number[], modes: readonly ObjectiveMode[]): T[] {
  if (modes.length !== 2) return nondominatedSort(points, values, modes)[0] ?? [];
  // Both objectives as "larger is better", best first by the first objective, then by the second.
  const up = (v: number, m: number) => (modes[m] === 'max' ? v : -v);
  const pts = points
    .map((p, i) => ({ i, v: values(p) }))
    .filter(({ v }) => v.length === 2 && v.every(Number.isFinite))
    .map(({ i, v }) => ({ i, a: up(v[0]!, 0), b: up(v[1]!, 1) }))
    .sort((p, q) => q.a - p.a || q.b - p.b);
  const kept: number[] = [];
  let beaten = -Infinity; // the best second value among points better in the first
  for (let g = 0; g < pts.length; ) {
    let end = g;
    while (end < pts.length && pts[end]!.a === pts[g]!.a) end++;
    // Within a group equal in the first objective only its best second value can survive, and
    // only when nothing better in the first objective is as good in the second.
    const top = pts[g]!.b;
    if (top > beaten) for (let k = g; k < end && pts[k]!.b === top; k++) kept.push(pts[k]!.i);
    beaten = Math.max(beaten, top);
    g = end;
  }
  return kept.sort((x, y) => x - y).map((i) => points[i]!);
}

/**
 * Pareto dominance and nondominated sorting (Deb et al., NSGA-II, 2002): front 0 holds the points
 * no other point dominates, front 1 those dominated only by front 0, and so on. O(M·N²) for N points
 * and M objectives, which is nothing next to training the N trials.
 *
 * The project's one Pareto implementation: the pareto search, `GET /sweeps/:id/front` and the
 * board's scatters (apps/api) all take their fronts from here, with one rule for ties (paretoFront),
 * so they cannot disagree. (The pareto search ranks with every front, equal points all kept: a
 * proposal's neighbourhood is every configuration on the front.)
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
 * The first front alone: `nondominatedSort(points, values, modes)[0] ?? []` with equal points kept
 * once, input order kept.
 *
 * **Ties.** Points equal in every objective are one point of the front: the first of them in input
 * order stands for the rest. Callers pass points in the order that should win a tie — a sweep's
 * trials by ordinal (the earliest to reach a point names it) — so the board's scatter fronts (one
 * trial per parameter count, the lowest ordinal among the best) and `GET /sweeps/:id/front`
 * (configurations in order of their first trial) name the same trial's configuration, and a front
 * cannot grow with duplicates (a metric saturated at 1.0 over thousands of trials is one point).
 * Points equal in one objective only are not ties: the worse in the other is dominated.
 *
 * With two objectives (the board's scatters: a point per parameter count, up to one per trial of a
 * 100,000-trial sweep) a sort and one scan, O(N log N), instead of comparing every pair.
 */
export function paretoFront<T>(points: readonly T[], values: (p: T) => readonly number[], modes: readonly ObjectiveMode[]): T[] {
  if (modes.length !== 2) return firstOfEqual(nondominatedSort(points, values, modes)[0] ?? [], values);
  // Both objectives as "larger is better", best first by the first objective, then by the second;
  // the sort is stable, so equal points stay in input order.
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
    // only when nothing better in the first objective is as good in the second; the points with
    // that value are equal, and the first in input order (pts[g]) stands for them.
    const top = pts[g]!.b;
    if (top > beaten) kept.push(pts[g]!.i);
    beaten = Math.max(beaten, top);
    g = end;
  }
  return kept.sort((x, y) => x - y).map((i) => points[i]!);
}

/** The points, each set of equal ones (equal in every value) kept as its first. */
function firstOfEqual<T>(points: readonly T[], values: (p: T) => readonly number[]): T[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = values(p).map((v) => (Object.is(v, -0) ? 0 : v)).join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

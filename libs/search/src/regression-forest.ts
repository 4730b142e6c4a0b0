/**
 * A random-forest regressor (Breiman 2001: bootstrap samples, fully grown CART trees, the mean of
 * the trees), the surrogate that parameter importance fits (importance.ts).
 *
 * Written here rather than taken from ml-random-forest because its trees (ml-cart 2.1) try a split
 * at every change of the target along each sorted feature and split the samples anew for each, so a
 * node costs O(n²): fitting the 1,000 configurations of a 6-parameter sweep took 11 s and 2,000 took
 * 44 s (64 trees), while a board wants the importance of a 10,000-configuration sweep when it opens.
 * No other maintained JavaScript forest does regression. This one splits on histograms, as LightGBM
 * and scikit-learn's HistGradientBoosting do: each feature's values are put in at most `bins` bins
 * once (exact for a sweep's axes, which have a few values each; quantiles for wide ranges), and a
 * node sums its samples per bin and scans the bins once per feature — O(n · features) per tree
 * level. Every feature is considered at every split (scikit-learn's default for regression).
 *
 *   const forest = RegressionForest.fit(rows, values, { trees: 64, seed: 0 });
 *   forest.predict([1, 0.02, 3]);
 *
 * Pure; seeded (the same rows, values and options give the same forest).
 */
import { createRng, type Rng } from '@tinysweep/spec';

/** Options of {@link RegressionForest.fit}. */
export interface ForestOptions {
  /** Trees in the forest. @defaultValue 64 */
  trees?: number;
  /** Seed of the bootstrap samples. @defaultValue 0 */
  seed?: number;
  /** Most bins a feature's values are put in (thresholds between them are the splits tried). @defaultValue 256 */
  bins?: number;
  /** Fewest samples a node needs to be split. @defaultValue 2 */
  minSplit?: number;
  /** Deepest a tree grows (a guard: trees stop earlier when their leaves are pure). @defaultValue 40 */
  maxDepth?: number;
}

/** One tree, its nodes in flat arrays: a leaf has feature −1 and its mean in `value`. */
interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export class RegressionForest {
  private constructor(private readonly trees: readonly Tree[]) {}

  /** Fits a forest to `rows` (one number per feature each) and their `values`. */
  static fit(rows: readonly (readonly number[])[], values: readonly number[], opts: ForestOptions = {}): RegressionForest {
    const o = { trees: 64, seed: 0, bins: 256, minSplit: 2, maxDepth: 40, ...opts };
    if (rows.length === 0 || rows.length !== values.length) throw new Error(`a forest needs as many values as rows, at least one (got ${rows.length} rows, ${values.length} values)`);
    const data = binRows(rows, o.bins);
    const y = Float64Array.from(values);
    const rng = createRng(o.seed);
    return new RegressionForest(Array.from({ length: o.trees }, () => growTree(data, y, bootstrap(rows.length, rng), o.minSplit, o.maxDepth)));
  }

  /** The forest's prediction for one row: the mean of its trees'. */
  predict(row: readonly number[]): number {
    let sum = 0;
    for (const t of this.trees) {
      let n = 0;
      while (t.feature[n]! >= 0) n = row[t.feature[n]!]! < t.threshold[n]! ? t.left[n]! : t.right[n]!;
      sum += t.value[n]!;
    }
    return sum / this.trees.length;
  }
}

/**
 * The rows as bin indices, row-major (a node's pass reads each sample's bins side by side), and per
 * feature the thresholds between neighbouring bins: `cuts[f][b]` separates bin b from bin b + 1.
 */
interface BinnedRows {
  features: number;
  bin: Uint16Array;
  cuts: Float64Array[];
  /** The most bins any feature has. */
  maxBins: number;
}

function binRows(rows: readonly (readonly number[])[], maxBins: number): BinnedRows {
  const features = rows[0]!.length;
  const cuts = Array.from({ length: features }, (_, f) => {
    const distinct = [...new Set(rows.map((r) => r[f]!))].sort((a, b) => a - b);
    // few distinct values (a sweep's axes): one bin each; else bins of equal counts (quantiles)
    const edges = distinct.length <= maxBins ? distinct : Array.from({ length: maxBins }, (_, k) => distinct[Math.floor(((k + 1) * distinct.length) / maxBins) - 1]!);
    return Float64Array.from(edges.slice(0, -1), (e, b) => (e + edges[b + 1]!) / 2);
  });
  const bin = new Uint16Array(rows.length * features);
  rows.forEach((r, i) => cuts.forEach((c, f) => (bin[i * features + f] = binOf(c, r[f]!))));
  return { features, bin, cuts, maxBins: Math.max(...cuts.map((c) => c.length + 1)) };
}

/** The first bin whose upper cut lies above `x` (binary search). */
function binOf(cut: Float64Array, x: number): number {
  let lo = 0;
  let hi = cut.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < cut[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function bootstrap(n: number, rng: Rng): Uint32Array {
  return Uint32Array.from({ length: n }, () => rng.int(n));
}

/** Grows one tree on the samples `idx` (a bootstrap, repeats allowed), depth first. */
function growTree(data: BinnedRows, y: Float64Array, idx: Uint32Array, minSplit: number, maxDepth: number): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const F = data.features;
  // per feature f, bin b at [f * maxBins + b]
  const count = new Float64Array(F * data.maxBins);
  const sum = new Float64Array(F * data.maxBins);

  const node = (lo: number, hi: number, depth: number): number => {
    const id = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    let total = 0;
    for (let i = lo; i < hi; i++) total += y[idx[i]!]!;
    value.push(total / (hi - lo));
    if (hi - lo < minSplit || depth >= maxDepth) return id;
    const split = bestSplit(data, y, idx, lo, hi, total, count, sum);
    if (!split) return id;
    // partition idx[lo, hi) in place: bin ≤ split.bin to the left
    let mid = lo;
    for (let i = lo; i < hi; i++) {
      if (data.bin[idx[i]! * F + split.feature]! <= split.bin) {
        const t = idx[i]!;
        idx[i] = idx[mid]!;
        idx[mid++] = t;
      }
    }
    feature[id] = split.feature;
    threshold[id] = data.cuts[split.feature]![split.bin]!;
    left[id] = node(lo, mid, depth + 1);
    right[id] = node(mid, hi, depth + 1);
    return id;
  };
  node(0, idx.length, 0);
  return { feature: Int32Array.from(feature), threshold: Float64Array.from(threshold), left: Int32Array.from(left), right: Int32Array.from(right), value: Float64Array.from(value) };
}

/**
 * The split of idx[lo, hi) that leaves the least squared error, or none when no split lowers it
 * (all values equal, or every feature constant here). Least squared error = most
 * sumL²/nL + sumR²/nR; ties go to the first feature and lowest bin, so fits are reproducible.
 */
function bestSplit(data: BinnedRows, y: Float64Array, idx: Uint32Array, lo: number, hi: number, total: number, count: Float64Array, sum: Float64Array): { feature: number; bin: number } | undefined {
  const { features: F, bin, maxBins: B } = data;
  const n = hi - lo;
  for (let i = lo; i < hi; i++) {
    const s = idx[i]!;
    const v = y[s]!;
    for (let f = 0, at = s * F; f < F; f++, at++) {
      const k = f * B + bin[at]!;
      count[k]! += 1;
      sum[k]! += v;
    }
  }
  const parent = (total * total) / n;
  let best = parent + 1e-12 * Math.max(1, parent); // a split must beat the parent's score by more than rounding
  let out: { feature: number; bin: number } | undefined;
  for (let f = 0; f < F; f++) {
    const bins = data.cuts[f]!.length + 1;
    let nl = 0;
    let sl = 0;
    for (let b = 0, k = f * B; b < bins - 1; b++, k++) {
      if (count[k] === 0) continue; // empty here: the same split as the bin before it (or none)
      nl += count[k]!;
      sl += sum[k]!;
      const nr = n - nl;
      if (nr === 0) break;
      const score = (sl * sl) / nl + ((total - sl) * (total - sl)) / nr;
      if (score > best) {
        best = score;
        out = { feature: f, bin: b };
      }
    }
  }
  // leave the histograms clear for the next node: by its samples when it has fewer than the bins
  // (deep nodes over a wide range), else all of them
  if (n < B) for (let i = lo; i < hi; i++) for (let f = 0, at = idx[i]! * F; f < F; f++, at++) count[f * B + bin[at]!] = sum[f * B + bin[at]!] = 0;
  else {
    count.fill(0);
    sum.fill(0);
  }
  return out;
}

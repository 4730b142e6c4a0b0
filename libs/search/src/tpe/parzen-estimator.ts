/**
 * One-dimensional Parzen estimators, the densities a tree-structured Parzen estimator compares (Bergstra
 * et al. 2011, with the choices Optuna's TPESampler makes by default):
 *
 * - numeric: a mixture of normals truncated to [low, high], one per observation plus a prior at the
 *   middle with σ = high − low; each observation's σ is the larger gap to its neighbours (the bounds
 *   at the ends), clipped to [(high − low) / min(100, 1 + n), high − low] ("magic clip"); weights
 *   equal (the prior's too). On a log scale the whole thing lives in log space. Whole numbers are
 *   modelled on [low − ½, high + ½] and scored by the mass of their unit bin.
 * - categorical: p(c) ∝ (times c was observed) + 1/k (the prior, weight 1, spread evenly).
 *
 * Pure; draws come from the caller's seeded stream.
 */
import type { Rng } from '@tinysweep/spec';
import { normalCdf } from '@tinysweep/stats';

/** The smallest probability a log takes (a bin far in a tail, a category the prior barely covers). */
const FLOOR = 1e-12;

/** A numeric dimension: its bounds as written, and how it is modelled. */
export interface NumericDim {
  kind: 'numeric';
  low: number;
  high: number;
  log: boolean;
  int: boolean;
}

/** A categorical dimension of k choices (indices 0 … k − 1). */
export interface CategoricalDim {
  kind: 'categorical';
  k: number;
}

export type Dim = NumericDim | CategoricalDim;

/** A density over one dimension that can be sampled and scored. */
export interface Estimator {
  sample(rng: Rng): number;
  logDensity(x: number): number;
}

/** The estimator of `dim` fitted to `observed` values (numbers, or category indices). */
export function fitEstimator(dim: Dim, observed: readonly number[]): Estimator {
  return dim.kind === 'categorical' ? new CategoricalEstimator(dim.k, observed) : new NumericEstimator(dim, observed);
}

class CategoricalEstimator implements Estimator {
  private readonly p: number[];

  constructor(k: number, observed: readonly number[]) {
    const counts = new Array<number>(k).fill(1 / k); // the prior, weight 1
    for (const c of observed) counts[c] = (counts[c] ?? 0) + 1;
    const total = counts.reduce((s, x) => s + x, 0);
    this.p = counts.map((x) => x / total);
  }

  sample(rng: Rng): number {
    let u = rng.next();
    for (let i = 0; i < this.p.length; i++) {
      u -= this.p[i]!;
      if (u < 0) return i;
    }
    return this.p.length - 1;
  }

  logDensity(x: number): number {
    return Math.log(Math.max(FLOOR, this.p[x] ?? 0));
  }
}

class NumericEstimator implements Estimator {
  /** Bounds of the modelled space (log space for a log scale; ± ½ for whole numbers). */
  private readonly lo: number;
  private readonly hi: number;
  private readonly mus: number[];
  private readonly sigmas: number[];
  /** Each component's mass inside [lo, hi] (the truncation's normaliser). */
  private readonly masses: number[];

  constructor(private readonly dim: NumericDim, observed: readonly number[]) {
    const [lo, hi] = dim.int ? [dim.low - 0.5, dim.high + 0.5] : [dim.low, dim.high];
    this.lo = dim.log ? Math.log(lo) : lo;
    this.hi = dim.log ? Math.log(hi) : hi;
    const span = this.hi - this.lo;
    const xs = observed.map((x) => this.toModel(x));
    const prior = (this.lo + this.hi) / 2;
    // components sorted by centre, to measure each one's neighbours
    const order = [...xs, prior].map((mu, i) => ({ mu, prior: i === xs.length })).sort((a, b) => a.mu - b.mu);
    const minSigma = span / Math.min(100, 1 + xs.length);
    this.mus = order.map((c) => c.mu);
    this.sigmas = order.map((c, i) => {
      if (c.prior) return span;
      const left = c.mu - (i > 0 ? order[i - 1]!.mu : this.lo);
      const right = (i < order.length - 1 ? order[i + 1]!.mu : this.hi) - c.mu;
      return Math.min(span, Math.max(minSigma, left, right));
    });
    this.masses = this.mus.map((mu, i) => Math.max(FLOOR, normalCdf((this.hi - mu) / this.sigmas[i]!) - normalCdf((this.lo - mu) / this.sigmas[i]!)));
  }

  /** A value as written → the modelled axis. */
  private toModel(x: number): number {
    return this.dim.log ? Math.log(x) : x;
  }

  sample(rng: Rng): number {
    const i = rng.int(this.mus.length);
    const mu = this.mus[i]!;
    const sigma = this.sigmas[i]!;
    let y = mu;
    // rejection from the untruncated normal: at least ~2/3 of the prior's mass and half of any other
    // component's lies inside the bounds, so a few tries do
    for (let tries = 0; tries < 64; tries++) {
      const z = gaussian(rng);
      y = mu + sigma * z;
      if (y >= this.lo && y <= this.hi) break;
    }
    y = Math.min(this.hi, Math.max(this.lo, y));
    const x = this.dim.log ? Math.exp(y) : y;
    return this.dim.int ? Math.min(this.dim.high, Math.max(this.dim.low, Math.round(x))) : Math.min(this.dim.high, Math.max(this.dim.low, x));
  }

  logDensity(x: number): number {
    let p = 0;
    for (let i = 0; i < this.mus.length; i++) {
      const mu = this.mus[i]!;
      const s = this.sigmas[i]!;
      if (this.dim.int) {
        // the mass of x's unit bin (on the log scale: the bin's image)
        const a = this.toModel(Math.max(this.dim.int && this.dim.log ? 1e-300 : -Infinity, x - 0.5));
        const b = this.toModel(x + 0.5);
        p += (normalCdf((b - mu) / s) - normalCdf((a - mu) / s)) / this.masses[i]!;
      } else {
        const y = this.toModel(x);
        const z = (y - mu) / s;
        p += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * this.masses[i]!);
      }
    }
    return Math.log(Math.max(FLOOR, p / this.mus.length));
  }
}

/** A standard normal draw (Box–Muller, one of the pair). */
function gaussian(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
